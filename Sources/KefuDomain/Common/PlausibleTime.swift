import Foundation

/// The window a date a person or program sends must fall in (issue 17 §4): a conversation dated
/// year 0 or a follow-up due in 9999 is a typing or programming mistake, and would sort to the top
/// or bottom of every list for ever.
public enum PlausibleTime {
    /// 2000-01-01 00:00 in Beijing: the department's records begin after it.
    public static let earliest = Date(timeIntervalSince1970: 946_656_000)
    /// How far ahead a plan (a follow-up, a promised reply) may be set: five years.
    public static let farthestPlan: TimeInterval = 5 * 366 * 86_400

    /// The problem with a time something happened, as a localization key; nil when plausible.
    /// The future is the caller's own rule (each allows its own clock skew).
    public static func pastProblem(_ date: Date) -> String? {
        date < earliest ? "validation.datetime.too_early" : nil
    }

    /// The problem with a time something is planned for; nil when plausible.
    public static func planProblem(_ date: Date, now: Date) -> String? {
        date.timeIntervalSince(now) > farthestPlan ? "validation.datetime.too_far" : nil
    }
}
