import KefuDomain
import Testing

@Suite("Reports: how far a month's customer files have gone, stage by stage (issue 16 §2)")
struct StageConversionTests {
    @Test("a file at a later stage has passed the earlier ones; lost files count as not gone on")
    func reachedStages() {
        let conversion = StageConversion(stagesNow: [
            .lead: 5, .intent: 3, .negotiating: 2, .signed: 1, .partner: 1, .lost: 4,
        ])
        #expect(conversion.files == 16)
        #expect(conversion.reached == [7, 4, 2])
        #expect(conversion.rate(0) == 7.0 / 16)
        #expect(conversion.rate(1) == 4.0 / 7)
        #expect(conversion.rate(2) == 2.0 / 4)
        #expect(StageConversion.stages(reaching: .signed) == [.signed, .partner])
        #expect(StageConversion.stages(reaching: .intent) == [.intent, .negotiating, .signed, .partner])
    }

    @Test("a month without files, or nobody at the stage before, has no rate rather than 0 %")
    func emptySteps() {
        let none = StageConversion(stagesNow: [:])
        #expect(none.files == 0 && none.reached == [0, 0, 0])
        #expect(none.rate(0) == nil)
        let leadsOnly = StageConversion(stagesNow: [.lead: 3])
        #expect(leadsOnly.rate(0) == 0)
        #expect(leadsOnly.rate(1) == nil)
    }
}
