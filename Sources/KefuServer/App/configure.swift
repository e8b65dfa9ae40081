import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import KefuDomain
import Leaf
import LeafKit
import Vapor

/// Sets up an application: database, migrations, middleware, views, routes, jobs. The same function
/// serves `kefu serve`, every other command and the tests.
public func configure(_ app: Application, _ configuration: KefuConfiguration, clock: Clock = .system) async throws {
    let localizer = try Localizer.load(from: app.directory.resourcesDirectory + "Localization")
    app.kefu = KefuServices(
        configuration: configuration, clock: clock, localizer: localizer,
        decoyPasswordHash: try PasswordHashing.makeDecoyHash(cost: configuration.bcryptCost),
        passwordHashing: PasswordHashing(cost: configuration.bcryptCost),
        commonPasswords: try CommonPasswords.load(
            from: app.directory.resourcesDirectory + "Security/common-passwords.txt")
    )
    app.lifecycle.use(PasswordHashingLifecycle(hashing: app.kefu.passwordHashing))
    app.logger.logLevel = configuration.logLevel
    try await DatabaseSetup.configure(app, configuration)
    app.migrations.add(KefuMigrations.all)

    app.http.server.configuration.hostname = configuration.hostname
    app.http.server.configuration.port = configuration.port
    app.routes.defaultMaxBodySize = ByteCount(value: configuration.maxBodyBytes)
    DecodedText.install()

    app.leaf.tags["t"] = LocalizeTag(localizer: localizer)
    app.leaf.tags["options"] = OptionsTag(localizer: localizer)
    app.leaf.tags["fragment"] = FragmentTag()
    // Parsed templates are kept; KEFU_RELOAD_TEMPLATES=1 rereads them on every request while editing.
    // Leaf's own provider turns its cache off whenever the environment is `development` (the default
    // of `kefu serve`), which re-parsed every template on every page: a third of a list page's time.
    app.leaf.cache.isEnabled = Environment.get("KEFU_RELOAD_TEMPLATES") != "1"
    app.views.use { app in
        LeafRenderer(
            configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache,
            sources: app.leaf.sources,
            eventLoop: app.eventLoopGroup.next(), userInfo: app.leaf.userInfo.merging(["application": app]) { $1 }
        )
    }

    // Order matters: headers on everything, errors rendered for everything below, static files
    // before any database work, then who is asking, then CSRF for what they post.
    app.middleware = Middlewares()
    app.middleware.use(DrainMiddleware())
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(KefuErrorMiddleware())
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SessionAuthenticator())
    app.middleware.use(BearerAuthenticator())
    app.middleware.use(QueryLimitsMiddleware())
    app.middleware.use(AnonymousCSRFCookieMiddleware())
    app.middleware.use(CSRFMiddleware())

    // Everything the app keeps in its storage is set here, before any request reads it.
    app.importJobs = ImportJobs()
    app.teamFigures = TeamFigures()
    app.assigneeDirectory = AssigneeDirectory()
    app.rankableProjects = RankableProjectCache()
    app.scheduler = Scheduler()
    app.drain = DrainState()
    app.bell = NotificationBell()
    // Issue 13's reader of complaints, surveys and return visits replaces this when it lands.
    app.serviceQualityFigures = ComplaintServiceQualityFigures()
    try routes(app)
    app.scheduler.register(HousekeepingJobs.purgeExpiredSessions)
    app.scheduler.register(ReminderJobs.scan)
    app.scheduler.register(ReminderJobs.deliver)
    app.scheduler.register(ObligationReminderJob.scan)
    app.scheduler.register(ComplaintEscalation.scan)
    app.scheduler.register(ReturnVisitStore.scan)
    app.scheduler.register(AttendanceJobs.settle)
    app.scheduler.register(DatabaseStatistics.refresh)
    app.personRecordSections.append(AttendanceRecordSection())
}

/// Every part's routes. Each part is one or two controllers; each route declares its permission.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: AuthController())
    try app.register(collection: DashboardController())
    try app.register(collection: ProfileController())
    try app.register(collection: StaffController())
    try app.register(collection: DepartmentsController())
    try app.register(collection: AuditController())
    try app.register(collection: CustomersController())
    try app.register(collection: PrivacyController())
    try app.register(collection: CustomerImportController())
    try app.register(collection: InquiriesController())
    try app.register(collection: PublicInquiryController())
    try app.register(collection: ProjectsController())
    try app.register(collection: RecommendationsController())
    try app.register(collection: FollowUpsController())
    try app.register(collection: NotificationsController())
    try app.register(collection: ContractTemplatesController())
    try app.register(collection: ProcedureTemplatesController())
    try app.register(collection: ContractsController())
    try app.register(collection: ObligationsController())
    try app.register(collection: OpenAPIController(document: APIDocumentation.document))
    try app.register(collection: ProceduresController())
    try app.register(collection: WorkingCalendarController())
    try app.register(collection: ComplaintsController())
    try app.register(collection: SurveyController())
    try app.register(collection: AssessmentsController())
    try app.register(collection: BoardController())
    try app.register(collection: WorkPlansController())
    try app.register(collection: InspectionsController())
    try app.register(collection: GlobalSearch())
    try app.register(collection: ComplaintAttachmentsController())
    try app.register(collection: ComplaintFiguresController())
    try app.register(collection: ReportsController())
    try app.register(collection: TrainingController())
    try app.register(collection: TrainingMaterialsController())
    try app.register(collection: ColleagueRatingsController())
    try app.register(collection: ConductController())
    try app.register(collection: PenaltiesController())
    try app.register(collection: AwardsController())
    try app.register(collection: PersonRecordController())
    try app.register(collection: ReturnVisitsController())
    try app.register(collection: FeedbackController())
    try app.register(collection: SurveySubjectsController())
    try app.register(collection: ComplaintChaseController())
    try app.register(collection: ComplaintSettingsController())
    try app.register(collection: AttendanceController())
    try app.register(collection: StepTimesController())
    try app.register(collection: NeedsController())
    try app.register(collection: LeadershipController())
    try app.register(collection: MonthlyReportsController())
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthAPIController())
    try api.register(collection: StaffAPIController())
    try api.register(collection: CustomersAPIController())
    try api.register(collection: PrivacyAPIController())
    try api.register(collection: CustomerImportAPIController())
    try api.register(collection: InquiriesAPIController())
    try api.register(collection: ProjectsAPIController())
    try api.register(collection: RecommendationsAPIController())
    try api.register(collection: FollowUpsAPIController())
    try api.register(collection: NotificationsAPIController())
    try api.register(collection: ContractsAPIController())
    try api.register(collection: ObligationsAPIController())
    try api.register(collection: ProceduresAPIController())
    try api.register(collection: ContractTemplatesAPIController())
    try api.register(collection: ProcedureTemplatesAPIController())
    try api.register(collection: WorkingCalendarAPIController())
    try api.register(collection: ComplaintsAPIController())
    try api.register(collection: AssessmentsAPIController())
    try api.register(collection: BoardAPIController())
    try api.register(collection: WorkPlansAPIController())
    try api.register(collection: ComplaintTimeLimitsAPIController())
    try api.register(collection: ReportsAPIController())
    try api.register(collection: InspectionsAPIController())
    try api.register(collection: TrainingAPIController())
    try api.register(collection: ConductAPIController())
    try api.register(collection: ReturnVisitsAPIController())
    try api.register(collection: FeedbackAPIController())
    try api.register(collection: AttendanceAPIController())
    try api.register(collection: StepTimesAPIController())
    try api.register(collection: NeedsAPIController())
    try api.register(collection: LeadershipAPIController())
    try api.register(collection: MonthlyReportsAPIController())
}

/// The migrations in the order they run. Append only; never edit or reorder a landed one.
enum KefuMigrations {
    static var all: [any Migration] {
        [
            CreateDepartments(), SeedCustomerServiceDepartment(), CreateStaff(),
            CreateWebSessions(), CreateAPITokens(), CreateSignInFailures(),
            CreateAuditEntries(), CreateScheduledJobs(),
            CreateCustomers(), CreateCustomerCodeSequences(), CreateCustomerChanges(), CreateCommunicationRecords(),
            CreateTimelineEntries(), CreateConsents(), CreateSharingRequests(),
            CreateProjects(), CreateRecommendations(), CreateFollowUps(), CreateInquiries(), CreateNotifications(),
            CreateProjectFiles(),
            AddClaimsToWebhookDeliveries(), CreateRecordNumberCounters(), CreateRateLimitHits(),
            CreateContracts(), CreateAttachments(), CreateProcedures(), CreateContractTemplates(),
            CreateWorkingCalendar(), CreateComplaints(), CreateSurveys(),
            CreateAssessments(), CreateSavedFilters(), CreateWorkPlans(),
            CreateReportIndexes(),
            CreateInspections(), CreateCommunicationPhraseMarks(),
            CreateTraining(), CreateColleagueRatings(),
            CreateConduct(),
            CreateReturnVisits(), CreateComplaintEscalationLevels(),
            CreateAttendance(),
            CreateServiceReportIndexes(),
            CreateNotificationDedupeIndex(),
            AddPartToLeaveRequests(),
            CreateProcedureTemplates(), AddTextsToProcedureSteps(), CreateReturnVisitsDoneIndex(),
            AddResultProgressToWorkPlans(),
            CreateMonthlyReports(),
            AddReminderMarks(), CreateReturnVisitCandidateIndex(), CreateWorkFigureIndexes(), AddNumbersToViolations(),
            CreateReportSummaries(),
            CreateWorkFigureCoveringIndexes(),
            CreateStepTimeSummaries(), CreateNeedsSummaries(), CreateLeadershipSummaries(), CreateReplySummaries(),
            IndexSearchCharacters(),
            CreateMonthSummaries(), CreateContractSummaries(), CreateFineStepTimeSummaries(),
            CreateRecordChanges(),
            AddTimelineMessages(), AddNotificationMessages(), AddAuditMessages(), AddWebhookDeliveryMessages(),
            AddVersionsToFollowUps(), AddVersionToCustomerChanges(), AddUpdatedAtToSharingRequests(),
            AddUpdatedAtToDepartments(), ConvertMoreAuditDetails(), AddCustomerIndustryIndex(),
            AddTimesToComplaintParts(),
            AddTimesToContractParts(), AddIDsToComplaintTimeLimits(), CreateCohortSummaries(),
            AddVersionsAndTimesToRecords(),
            WatchColumnsInSummaryUpdateTriggers(),
        ]
    }
}
