@_exported import TraktProtocol
