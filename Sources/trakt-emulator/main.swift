print("trakt-emulator: not yet")
