/// What makes an acceptable password (issue 2): 10–128 characters of any script — Chinese included —
/// and not only whitespace. Length counts characters as people see them, not bytes.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 128

    /// The localization key of the problem, or nil when the password is acceptable.
    public static func problem(with password: String, username: String? = nil) -> String? {
        if password.count < minimumLength { return "validation.password.too_short" }
        if password.count > maximumLength { return "validation.password.too_long" }
        if password.allSatisfy(\.isWhitespace) { return "validation.password.blank" }
        if let username, password.lowercased() == username.lowercased() { return "validation.password.is_username" }
        return nil
    }
}
