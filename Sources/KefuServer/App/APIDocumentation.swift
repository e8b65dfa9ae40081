/// The one OpenAPI document of the JSON API (S3): every part's operations and schemas. A part adds
/// its controller here.
enum APIDocumentation {
    static var document: OpenAPIDocumentBuilder {
        OpenAPIDocumentBuilder(
            operations: AuthAPIController.operations + StaffAPIController.operations + DepartmentsController.operations
                + AuditController.operations + CustomersAPIController.operations + PrivacyAPIController.operations
                + CustomerImportAPIController.operations + ProjectsAPIController.operations
                + RecommendationsAPIController.operations
                + InquiriesAPIController.operations
                + FollowUpsAPIController.operations + NotificationsAPIController.operations
                + ContractsAPIController.operations
                + ObligationsAPIController.operations + ProceduresAPIController.operations
                + ContractTemplatesAPIController.operations + ProcedureTemplatesAPIController.operations
                + OpenAPIController.operations
                + WorkingCalendarAPIController.operations + ComplaintsAPIController.operations
                + SurveyController.operations
                + AssessmentsAPIController.operations + BoardAPIController.operations
                + WorkPlansAPIController.operations
                + GlobalSearch.operations + ComplaintAttachmentsController.operations
                + ComplaintTimeLimitsAPIController.operations
                + ReportsAPIController.operations + InspectionsAPIController.operations
                + TrainingAPIController.operations + ColleagueRatingsController.operations
                + ConductAPIController.operations
                + ReturnVisitsAPIController.operations + FeedbackAPIController.operations
                + SurveySubjectsController.operations
                + ComplaintChaseController.operations + ComplaintSettingsController.operations
                + AttendanceAPIController.operations
                + StepTimesAPIController.operations + NeedsAPIController.operations + LeadershipAPIController.operations
                + MonthlyReportsAPIController.operations,
            schemas: AuthAPIController.schemas.merging(StaffAPIController.schemas) { $1 }
                .merging(DepartmentsController.schemas) { $1 }.merging(AuditController.schemas) { $1 }
                .merging(CustomersAPIController.schemas) { $1 }.merging(PrivacyAPIController.schemas) { $1 }
                .merging(CustomerImportAPIController.schemas) { $1 }.merging(ProjectsAPIController.schemas) { $1 }
                .merging(InquiriesAPIController.schemas) { $1 }
                .merging(RecommendationsAPIController.schemas) { $1 }.merging(FollowUpsAPIController.schemas) { $1 }
                .merging(NotificationsAPIController.schemas) { $1 }.merging(ContractsAPIController.schemas) { $1 }
                .merging(ObligationsAPIController.schemas) { $1 }.merging(ProceduresAPIController.schemas) { $1 }
                .merging(ContractTemplatesAPIController.schemas) { $1 }
                .merging(ProcedureTemplatesAPIController.schemas) { $1 }
                .merging(WorkingCalendarAPIController.schemas) { $1 }.merging(ComplaintsAPIController.schemas) { $1 }
                .merging(SurveyController.schemas) { $1 }
                .merging(AssessmentsAPIController.schemas) { $1 }
                .merging(BoardAPIController.schemas) { $1 }
                .merging(WorkPlansAPIController.schemas) { $1 }
                .merging(InspectionsAPIController.schemas) { $1 }
                .merging(GlobalSearch.schemas) { $1 }
                .merging(ComplaintAttachmentsController.schemas) { $1 }.merging(
                    ComplaintTimeLimitsAPIController.schemas
                ) { $1 }
                .merging(ReportsAPIController.schemas) { $1 }
                .merging(TrainingAPIController.schemas) { $1 }.merging(ColleagueRatingsController.schemas) { $1 }
                .merging(ConductAPIController.schemas) { $1 }
                .merging(ReturnVisitsAPIController.schemas) { $1 }.merging(FeedbackAPIController.schemas) { $1 }
                .merging(ComplaintSettingsController.schemas) { $1 }
                .merging(AttendanceAPIController.schemas) { $1 }
                .merging(StepTimesAPIController.schemas) { $1 }
                .merging(NeedsAPIController.schemas) { $1 }
                .merging(LeadershipAPIController.schemas) { $1 }
                .merging(MonthlyReportsAPIController.schemas) { $1 }
        )
    }
}
