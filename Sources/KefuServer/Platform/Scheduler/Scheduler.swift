import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A periodic job: a name that is unique across the deployment, how often it runs, and the work.
struct ScheduledJob: Sendable {
    var name: String
    var interval: TimeInterval
    var run: @Sendable (_ app: Application, _ now: Date) async throws -> Void
}

/// Runs periodic jobs inside the server (S4). Several instances on one PostgreSQL may all run a
/// scheduler: each due run is claimed by one conditional UPDATE, so exactly one instance performs it.
package final class Scheduler: Sendable {
    let instanceID: String
    private let jobs: NIOLockedValueBox<[ScheduledJob]>
    private let loop: NIOLockedValueBox<Task<Void, Never>?>

    init(instanceID: String = UUID().uuidString) {
        self.instanceID = instanceID
        self.jobs = NIOLockedValueBox([])
        self.loop = NIOLockedValueBox(nil)
    }

    func register(_ job: ScheduledJob) {
        jobs.withLockedValue { $0.append(job) }
    }

    var registeredJobs: [ScheduledJob] { jobs.withLockedValue { $0 } }

    /// Claims and runs every job that is due at `now`; returns the names of those this instance ran.
    @discardableResult
    func runDueJobs(app: Application, now: Date) async -> [String] {
        var ran: [String] = []
        for job in registeredJobs {
            do {
                guard try await claim(job, now: now, on: app.db) else { continue }
                ran.append(job.name)
                var failure = ""
                // A run may outlast its lease (a slow webhook target, a large scan): renew it while
                // the run works, so that no other instance starts the same job meanwhile.
                let renewal = Task { [self] in await renewLease(of: job, app: app) }
                do {
                    try await job.run(app, now)
                } catch {
                    failure = String(describing: error)
                    app.logger.error(
                        "scheduled job failed", metadata: ["job": .string(job.name), "error": .string(failure)])
                }
                renewal.cancel()
                try await finish(job, failure: failure, at: app.kefu.clock.now, on: app.db)
            } catch {
                app.logger.error(
                    "scheduler could not claim a job", metadata: ["job": .string(job.name), "error": "\(error)"])
            }
        }
        return ran
    }

    /// Takes the job's next run for this instance. The row is created on first sight; the UPDATE's
    /// WHERE clause is the lock — of several instances racing, one sees its row come back.
    private func claim(_ job: ScheduledJob, now: Date, on database: any Database) async throws -> Bool {
        let sql = try database.sql()
        try await sql.raw(
            """
            INSERT INTO scheduled_jobs (name, next_run_at, run_count) VALUES (\(bind: job.name), \(bind: now), 0)
            ON CONFLICT (name) DO NOTHING
            """
        ).run()
        let leaseUntil = now.addingTimeInterval(Self.leaseSeconds(of: job))
        let claimed = try await sql.raw(
            """
            UPDATE scheduled_jobs
            SET locked_by = \(bind: instanceID), locked_until = \(bind: leaseUntil),
                next_run_at = \(bind: now.addingTimeInterval(job.interval)), last_started_at = \(bind: now),
                run_count = run_count + 1
            WHERE name = \(bind: job.name) AND next_run_at <= \(bind: now)
              AND (locked_until IS NULL OR locked_until < \(bind: now))
            RETURNING name
            """
        ).all()
        return !claimed.isEmpty
    }

    static func leaseSeconds(of job: ScheduledJob) -> TimeInterval { max(60, job.interval) }

    /// Extends this instance's lease on a running job every third of the lease until cancelled.
    private func renewLease(of job: ScheduledJob, app: Application) async {
        let lease = Self.leaseSeconds(of: job)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(lease / 3))
            guard !Task.isCancelled else { return }
            let until = app.kefu.clock.now.addingTimeInterval(lease)
            do {
                try await app.db.sql().raw(
                    """
                    UPDATE scheduled_jobs SET locked_until = \(bind: until) WHERE name = \(bind: job.name) AND locked_by = \(bind: instanceID)
                    """
                ).run()
            } catch {
                app.logger.warning(
                    "could not renew a job's lease", metadata: ["job": .string(job.name), "error": "\(error)"])
            }
        }
    }

    private func finish(_ job: ScheduledJob, failure: String, at now: Date, on database: any Database) async throws {
        try await database.sql().raw(
            """
            UPDATE scheduled_jobs SET locked_by = NULL, locked_until = NULL, last_finished_at = \(bind: now),
                last_error = \(bind: failure)
            WHERE name = \(bind: job.name) AND locked_by = \(bind: instanceID)
            """
        ).run()
    }

    // MARK: Running inside the server

    /// Starts the loop that looks for due jobs; `kefu serve` calls it, other commands do not.
    package func start(_ application: Application) {
        let seconds = application.kefu.configuration.schedulerIntervalSeconds
        guard seconds > 0 else { return }
        let task = Task { [self] in
            while !Task.isCancelled {
                await runDueJobs(app: application, now: application.kefu.clock.now)
                try? await Task.sleep(for: .seconds(seconds))
            }
        }
        loop.withLockedValue { $0 = task }
        application.logger.info(
            "scheduler started",
            metadata: [
                "instance": .string(instanceID), "jobs": .string(registeredJobs.map(\.name).joined(separator: ",")),
            ])
    }

    /// Stops the loop after the job in progress, if any, has finished.
    package func stop() async {
        let task = loop.withLockedValue { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }
}

extension Application {
    private struct SchedulerKey: StorageKey { typealias Value = Scheduler }

    /// Set once in `configure`: the application's storage must not change while requests read it.
    package var scheduler: Scheduler {
        get {
            guard let scheduler = storage[SchedulerKey.self] else {
                fatalError("scheduler is used before configure(_:) set it")
            }
            return scheduler
        }
        set { storage[SchedulerKey.self] = newValue }
    }
}

struct CreateScheduledJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("scheduled_jobs")
            .field("name", .string, .identifier(auto: false))
            .field("next_run_at", .datetime, .required)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("last_started_at", .datetime)
            .field("last_finished_at", .datetime)
            .field("last_error", .string)
            .field("run_count", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("scheduled_jobs").delete()
    }
}

/// Housekeeping: ended sessions and old sign-in failures are removed, so the tables stay small.
enum HousekeepingJobs {
    static let purgeExpiredSessions = ScheduledJob(name: "auth.purge-expired", interval: 15 * 60) { app, now in
        let lifetime = app.kefu.sessionLifetime
        try await WebSessionModel.query(on: app.db)
            .group(.or) { group in
                group.filter(\.$lastSeenAt < now.addingTimeInterval(-lifetime.idleTimeout))
                group.filter(\.$createdAt < now.addingTimeInterval(-lifetime.absoluteTimeout))
            }
            .delete()
        try await SignInFailureModel.query(on: app.db)
            .filter(\.$occurredAt < now.addingTimeInterval(-24 * 3600))
            .delete()
        try await RateLimit.purge(before: now.addingTimeInterval(-24 * 3600), on: app.db)
    }
}
