/// Quality inspection's rules (R2.2, R6.5): a configurable weighted checklist, reproducible sampling of
/// records per person, and the phrases to avoid marked in a record's text. Pure: the server reads the
/// candidates and the list, and stores what these functions decide.
public struct ChecklistItem: Equatable, Sendable, Codable {
    public var code: String
    public var name: String
    /// Whole percent; the items of a checklist add up to 100.
    public var weight: Int

    public init(code: String, name: String, weight: Int) {
        self.code = code
        self.name = name
        self.weight = weight
    }
}

public enum InspectionChecklist {
    /// The department's default: 礼貌用语, 表达清晰, 信息准确, 记录完整, 主动跟进.
    public static let standard = [
        ChecklistItem(code: "polite", name: "礼貌用语", weight: 20), ChecklistItem(code: "clear", name: "表达清晰", weight: 20),
        ChecklistItem(code: "accurate", name: "信息准确", weight: 25),
        ChecklistItem(code: "complete", name: "记录完整", weight: 20),
        ChecklistItem(code: "proactive", name: "主动跟进", weight: 15),
    ]

    /// A checklist as configured: at least one item, codes unique, names given, weights 1–100 adding up to 100.
    public static func problems(_ items: [ChecklistItem]) -> FieldErrors {
        var errors = FieldErrors()
        if items.isEmpty { errors.add("items", "validation.required") }
        var codes: Set<String> = []
        for (index, item) in items.enumerated() {
            if item.name.trimmed.isEmpty { errors.add("items.\(index).name", "validation.required") }
            if !codes.insert(item.code).inserted {
                errors.add("items.\(index).code", "inspection.error.duplicate_item")
            }
            if !(1...100).contains(item.weight) { errors.add("items.\(index).weight", "assessment.error.weight_range") }
        }
        if errors.isEmpty, items.reduce(0, { $0 + $1.weight }) != 100 {
            errors.add("items", "assessment.error.weights_sum")
        }
        return errors
    }

    /// The inspection's score: each item scored 0–100, weighted; every item must be scored.
    public static func score(_ items: [ChecklistItem], scores: [String: Double]) -> Result<Double, FieldErrors> {
        var errors = FieldErrors()
        var total = 0.0
        for item in items {
            guard let value = scores[item.code] else {
                errors.add("scores.\(item.code)", "validation.required"); continue
            }
            guard value.isFinite, (0...100).contains(value) else {
                errors.add("scores.\(item.code)", "assessment.error.score_range"); continue
            }
            total += value * Double(item.weight) / 100
        }
        for code in scores.keys where !items.contains(where: { $0.code == code }) {
            errors.add("scores.\(code)", "inspection.error.unknown_item")
        }
        return errors.isEmpty ? .success(AssessmentCalculation.round2(total)) : .failure(errors)
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same sample on every server,
/// so a sample can be reproduced and checked afterwards.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public enum InspectionSampling {
    /// Up to `perPerson` records of each person, drawn uniformly without replacement with the seed:
    /// every record of a person has the same chance, and the same candidates and seed give the same
    /// sample. Candidates are (record id, person id); the order they come in does not matter.
    public static func sample(_ candidates: [(recordID: Int, staffID: Int)], perPerson: Int, seed: UInt64) -> [(
        recordID: Int, staffID: Int
    )] {
        guard perPerson > 0 else { return [] }
        var generator = SeededGenerator(seed: seed)
        let byPerson = Dictionary(grouping: candidates, by: \.staffID)
        var result: [(recordID: Int, staffID: Int)] = []
        for staffID in byPerson.keys.sorted() {
            var records = byPerson[staffID]!.map(\.recordID).sorted()
            // A partial Fisher–Yates shuffle: the first `perPerson` places are a uniform sample.
            let count = min(perPerson, records.count)
            for index in 0..<count {
                let pick = index + Int(generator.next() % UInt64(records.count - index))
                records.swapAt(index, pick)
            }
            result += records.prefix(count).map { ($0, staffID) }
        }
        return result
    }
}

/// A phrase to avoid found in a text, where it starts (in characters) and which phrase it was.
public struct AvoidedPhrase: Equatable, Sendable, Codable {
    public var phrase: String
    public var offset: Int

    public init(phrase: String, offset: Int) {
        self.phrase = phrase
        self.offset = offset
    }
}

public enum PhrasesToAvoid {
    /// A starting list; the supervisor keeps the department's own.
    public static let standard = ["不知道", "不归我管", "你自己看", "没办法", "爱办不办", "随便你"]

    /// Every occurrence of every phrase in the text (case-insensitive for latin letters), in order.
    public static func find(in text: String, phrases: [String]) -> [AvoidedPhrase] {
        let haystack = Array(text.lowercased())
        var found: [AvoidedPhrase] = []
        for phrase in Set(phrases.map { $0.trimmed.lowercased() }) where !phrase.isEmpty {
            let needle = Array(phrase)
            guard needle.count <= haystack.count else { continue }
            for start in 0...(haystack.count - needle.count)
            where haystack[start..<start + needle.count].elementsEqual(needle) {
                found.append(AvoidedPhrase(phrase: phrase, offset: start))
            }
        }
        return found.sorted { ($0.offset, $0.phrase) < ($1.offset, $1.phrase) }
    }
}
