import KefuDomain
import Testing

/// R2.2, R6.5: the inspection checklist's weighted score, sampling that is fair and reproducible with a
/// seed, and phrases to avoid marked in a record's text.
@Suite("Quality inspection: checklist, seeded sampling, phrases to avoid (R2.2, R6.5)")
struct InspectionRulesTests {
    @Test("the checklist's weights add up to 100; the score is the weighted sum of every item's score")
    func checklist() {
        #expect(InspectionChecklist.problems(InspectionChecklist.standard).isEmpty)
        var items = InspectionChecklist.standard
        items[0].weight = 30
        #expect(InspectionChecklist.problems(items) == FieldErrors(["items": "assessment.error.weights_sum"]))
        items[1].code = "polite"
        #expect(InspectionChecklist.problems(items).messages["items.1.code"] == "inspection.error.duplicate_item")
        // 90×20% + 80×20% + 100×25% + 60×20% + 70×15% = 18 + 16 + 25 + 12 + 10.5
        let scores = ["polite": 90.0, "clear": 80, "accurate": 100, "complete": 60, "proactive": 70]
        #expect(InspectionChecklist.score(InspectionChecklist.standard, scores: scores) == .success(81.5))
        var missing = scores
        missing["proactive"] = nil
        missing["tone"] = 50
        #expect(
            InspectionChecklist.score(InspectionChecklist.standard, scores: missing)
                == .failure(
                    FieldErrors([
                        "scores.proactive": "validation.required", "scores.tone": "inspection.error.unknown_item",
                    ])))
        var outside = scores
        outside["clear"] = 120
        #expect(
            InspectionChecklist.score(InspectionChecklist.standard, scores: outside)
                == .failure(FieldErrors(["scores.clear": "assessment.error.score_range"])))
    }

    static let candidates: [(recordID: Int, staffID: Int)] =
        (1...40).map { ($0, 1) } + (41...50).map { ($0, 2) } + (51...52).map { ($0, 3) }

    @Test("the same candidates and seed give the same sample, whatever their order; another seed another sample")
    func reproducible() {
        let first = InspectionSampling.sample(Self.candidates, perPerson: 5, seed: 20_261_202)
        let shuffled = InspectionSampling.sample(Self.candidates.reversed(), perPerson: 5, seed: 20_261_202)
        #expect(first.map(\.recordID) == shuffled.map(\.recordID))
        #expect(
            first.map(\.recordID) != InspectionSampling.sample(Self.candidates, perPerson: 5, seed: 7).map(\.recordID))
        // N per person, at most what the person has, no record twice, only the person's own.
        #expect(first.filter { $0.staffID == 1 }.count == 5)
        #expect(first.filter { $0.staffID == 2 }.count == 5)
        #expect(first.filter { $0.staffID == 3 }.map(\.recordID).sorted() == [51, 52])
        #expect(Set(first.map(\.recordID)).count == first.count)
        #expect(first.allSatisfy { pick in Self.candidates.contains { $0 == pick } })
        #expect(InspectionSampling.sample(Self.candidates, perPerson: 0, seed: 1).isEmpty)
    }

    @Test("fair: over many seeds every record of a person is drawn about equally often")
    func fair() {
        var counts = [Int: Int]()
        let runs = 4000
        for seed in 0..<UInt64(runs) {
            for pick in InspectionSampling.sample(Self.candidates, perPerson: 5, seed: seed) where pick.staffID == 1 {
                counts[pick.recordID, default: 0] += 1
            }
        }
        // Each of 40 records: expected 4000 × 5/40 = 500 draws; allow ±20 %.
        #expect(counts.count == 40)
        for (record, count) in counts { #expect((400...600).contains(count), "record \(record) drawn \(count) times") }
    }

    @Test("phrases to avoid are marked where they occur, every time, latin letters in any case")
    func phrases() {
        let text = "这个我不知道，不归我管，你自己看吧。我真的不知道。Whatever."
        let found = PhrasesToAvoid.find(in: text, phrases: PhrasesToAvoid.standard + ["whatever", " "])
        #expect(
            found == [
                AvoidedPhrase(phrase: "不知道", offset: 3), AvoidedPhrase(phrase: "不归我管", offset: 7),
                AvoidedPhrase(phrase: "你自己看", offset: 12),
                AvoidedPhrase(phrase: "不知道", offset: 21), AvoidedPhrase(phrase: "whatever", offset: 25),
            ])
        #expect(PhrasesToAvoid.find(in: "您好，请问有什么可以帮您？", phrases: PhrasesToAvoid.standard).isEmpty)
    }
}
