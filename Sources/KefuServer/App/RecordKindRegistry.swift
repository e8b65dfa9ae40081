extension RecordKinds {
    /// Every kind of record the department keeps. A new part adds its kinds here; merge,
    /// anonymization and the checks that no table with a `customer_id` is forgotten follow from the
    /// declarations. A constant list of types, never mutated (Swift 6 does not treat metatypes of a
    /// non-`Sendable` protocol as `Sendable`, hence the annotation).
    nonisolated(unsafe) static let all: [any RecordKind.Type] = [
        CustomerFileKind.self, CommunicationKind.self, InquiryKind.self, ProjectKind.self, RecommendationKind.self,
        FollowUpKind.self, ConsentKind.self, SharingRequestKind.self,
        ContractKind.self, ChecklistItemKind.self, ContractClauseKind.self, ContractQuestionKind.self,
        ObligationRecordKind.self,
        ObligationNoticeKind.self, ProcedureRecordKind.self, ProcedureStepKind.self, ProcedureTemplateKind.self,
        ContractTemplateKind.self,
        ComplaintKind.self, ComplaintForwardKind.self, ComplaintUpdateKind.self, ComplaintPauseKind.self,
        SurveyKind.self, SurveyAttributionKind.self,
        AssessmentCycleKind.self, AssessmentKind.self, AssessmentDecisionKind.self, WorkPlanKind.self,
        WorkPlanGoalKind.self,
        InspectionKind.self, InspectionSettingsKind.self, CommunicationPhraseMarkKind.self,
        TrainingPlanKind.self, TrainingSessionKind.self, TrainingEnrolmentKind.self, ColleagueRatingKind.self,
        ViolationRecordKind.self, ViolationLinkRecordKind.self, PenaltyRecordKind.self, AwardRecordKind.self,
        ReturnVisitKind.self, ReturnVisitProblemKind.self, ReturnVisitSettingsKind.self, FeedbackRecordKind.self,
        ComplaintEscalationLevelKind.self, ComplaintCategoryKind.self, ComplaintTimeLimitKind.self,
        AttendanceMarkRecordKind.self, LeaveRequestKind.self, ClockCorrectionKind.self, ClockRecordKind.self,
        MonthlyReportKind.self, StaffKind.self, DepartmentKind.self, WebhookKind.self,
        WorkingCalendarKind.self, AttendanceSettingsKind.self,
    ]

    /// The shared mechanisms' own rows about a customer (the timeline, the change history): not
    /// records anyone edits, but they move with a merge and are cleared by an anonymization.
    nonisolated(unsafe) static let mechanisms: [any RecordKind.Type] = [
        TimelineEntryKind.self, CustomerChangeKind.self, RecordChangeKind.self,
    ]

    /// What belongs to a customer, records and mechanisms alike.
    static var ownedByCustomers: [any RecordKind.Type] { all + mechanisms }
}
