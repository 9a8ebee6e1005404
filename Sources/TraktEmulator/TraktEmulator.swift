// Placeholder: the emulator lands with its own issue.
public enum TraktEmulatorPlaceholder {}
