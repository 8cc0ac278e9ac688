/// An error a user can cause and fix: its description is one line that says what is wrong and
/// what to do, and never contains a private value. Every library error conforms, so the command
/// line maps them all to its one-line failure in one place.
public protocol UserFacingError: Error, CustomStringConvertible {}
