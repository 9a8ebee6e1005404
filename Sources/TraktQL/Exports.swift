@_exported import TraktTime
