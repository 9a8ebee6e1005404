print("traktql: not yet")
