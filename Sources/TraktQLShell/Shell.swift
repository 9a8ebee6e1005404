import TraktQL
// Placeholder: the REPL lands with its own issue.
public enum ShellPlaceholder {}
