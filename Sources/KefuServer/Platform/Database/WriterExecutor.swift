import NIOCore

/// Runs the SQLite writer's batches — and the requests' transactions inside them — on the writer's own
/// event loop, where its connections also complete their statements.
///
/// A statement is a round trip: the job hands it to the connection's thread and waits for the answer. On the
/// request loops every answer queued behind whatever HTTP work those loops held, so a batch ran half as fast
/// as soon as requests were being parsed beside it (issue 18 §9: 0.46 ms a conversation with the loops idle,
/// 0.98 with them busy). On a loop of its own the round trip wakes only threads that wait for it.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
final class WriterExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
