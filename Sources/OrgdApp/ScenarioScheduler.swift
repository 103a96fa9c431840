// Applies approved reorganisation scenarios on their day: a pass every minute (--scenario-interval)
// on loop 0 of each instance (ScenarioLifecycle.applyDue), and the same pass on demand from the command line,
// `orgd scenarios apply-due [--today YYYY-MM-DD] [--tenant ID]` (cron, or a test that cannot wait
// for the day).
// Each due scenario is claimed with FOR UPDATE SKIP LOCKED, so with several instances exactly one
// applies it; the state lives in the database, so a restart loses nothing.

import App
import EventLoop
import HTTP
import OrgChart

enum ScenarioScheduler {
    /// Starts the passes on `loop`, every `interval` (--scenario-interval, a minute by default),
    /// the first one `interval` after start.
    static func start(_ resources: Resources, on loop: EventLoop, lifecycle: Lifecycle, interval: Duration) {
        loop.execute { next(resources, loop, lifecycle, interval) }
    }

    private static func next(_ resources: Resources, _ loop: EventLoop, _ lifecycle: Lifecycle, _ interval: Duration) {
        loop.schedule(after: interval) {
            guard !lifecycle.isStopping else { return }
            Task(executorPreference: loop) {
                _ = await pass(resources.on(loop), loop, today: OrgDate.today)
                loop.execute { if !lifecycle.isStopping { next(resources, loop, lifecycle, interval) } }
            }
        }
    }

    /// One pass: how many scenarios were applied and how many failed; nil when the pass itself
    /// failed (the database is down: the next pass tries again).
    static func pass(_ resources: LoopResources, _ loop: EventLoop, today: String,
                     tenant: String? = nil) async -> (applied: Int, failed: Int)? {
        var request = HTTPRequest(method: .POST, target: "/scheduler/scenarios/apply-due")
        request.requestID = "scheduler"
        let context = RequestContext(request: request, loop: loop, resources: resources)
        do {
            return try await ScenarioLifecycle.applyDue(context, today: today, tenant: tenant)
        } catch {
            Log.error("scenario scheduler: \(ErrorMapping.problem(for: error).detail) (\(error))")
            return nil
        }
    }
}
