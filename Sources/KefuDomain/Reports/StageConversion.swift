/// How far the customer files that came in one month have gone (issue 16 §2, "conversion between stages
/// over time"): a file now at a later stage has passed every stage before it, so a file signed last week
/// counts as having reached intent and talks too. The stage now is what is known of every file — a lost
/// file's furthest stage is not kept apart — so a lost file counts as one that did not go on.
public struct StageConversion: Equatable, Sendable {
    /// The stages after the first whose reaching is counted; signing counts partners too.
    public static let steps: [CustomerStage] = [.intent, .negotiating, .signed]

    /// Files that came in the month (lost ones too).
    public var files: Int
    /// Per step of ``steps``: how many of those files are at that stage or beyond now.
    public var reached: [Int]

    public init(files: Int, reached: [Int]) {
        self.files = files
        self.reached = reached
    }

    /// Counts by the stage the files are at now.
    public init(stagesNow counts: [CustomerStage: Int]) {
        self.init(
            files: counts.values.reduce(0, +),
            reached: Self.steps.map { step in Self.stages(reaching: step).reduce(0) { $0 + (counts[$1] ?? 0) } })
    }

    /// The stages a file that has reached `step` may be at now: `step` and every active stage after it.
    public static func stages(reaching step: CustomerStage) -> [CustomerStage] {
        guard let index = CustomerStage.order.firstIndex(of: step) else { return [step] }
        return Array(CustomerStage.order[index...])
    }

    /// The share of the files at the step before (the month's files before the first) that went on to
    /// `steps[step]`; nil when none were there to go on.
    public func rate(_ step: Int) -> Double? {
        let before = step == 0 ? files : reached[step - 1]
        return before == 0 ? nil : Double(reached[step]) / Double(before)
    }
}
