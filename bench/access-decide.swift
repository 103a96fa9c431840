// decide() in process: decisions per second and per-decision latency (p50, p99) for a typical
// actor — an A2 director with three grants (viewer tenant-wide, HR over a unit subtree, a
// regional role over a region) — deciding on targets in a six-level unit tree. bench/access.sh
// builds this file in release mode in a throwaway package beside a symlink to Sources/Policy;
// it is not part of orgd's package. Prints one tab-separated line per case.

import Glibc
import Policy

func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

let ladder = GradeLadder.standard
let tenant = EntityID(1)
let units = (10..<16).map { EntityID(UInt64($0)) }
let deep = TreePath(units)                                   // six levels: board … group
let hrSubtree = TreePath(Array(units[0..<3]))                // HR reaches the center and below
let elsewhere = TreePath([units[0], units[1], EntityID(90), EntityID(91), EntityID(92), EntityID(93)])
let region = TreePath([EntityID(50), EntityID(51)])

let viewer = Role(id: EntityID(3), name: "Viewer", permissions: [.orgRead, .peopleRead, .networkRead])
let hr = Role(id: EntityID(2), name: "HR", permissions: [.orgRead, .orgWrite, .peopleRead, .assignmentsWrite, .accessRead])
let regional = Role(id: EntityID(4), name: "Regional manager", permissions: [.networkRead, .networkWrite, .casesHandle])
let actor = Principal(tenant: tenant, subject: EntityID(7), grade: try! ladder.parse("A2"), grants: [
    Grant(id: EntityID(100), subject: EntityID(7), role: viewer, scope: .tenant),
    Grant(id: EntityID(101), subject: EntityID(7), role: hr, scope: .unit(hrSubtree)),
    Grant(id: EntityID(102), subject: EntityID(7), role: regional, scope: .region(region)),
])
let context = PolicyContext(ladder: ladder, now: Timestamp(secondsSinceEpoch: 1_800_000_000))

let cases: [(String, Action, Target)] = [
    ("position.update, allowed (B+3 post, depth 6)", .positionUpdate,
     .position(tenant, unit: deep, grade: try! ladder.parse("B+3"))),
    ("unit.read, allowed (depth 6)", .unitRead, .unit(tenant, path: deep)),
    ("position.update, denied (outside HR scope)", .positionUpdate,
     .position(tenant, unit: elsewhere, grade: try! ladder.parse("B+3"))),
    ("position.update, denied (A1 post outranks A2)", .positionUpdate,
     .position(tenant, unit: deep, grade: try! ladder.parse("A1"))),
]

func oneDecimal(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2_000_000
var sink = 0
// The cost of reading the clock twice, subtracted from nothing: reported beside the latencies.
var overheads: [UInt64] = []
for _ in 0..<100_000 {
    let start = nanoseconds()
    overheads.append(nanoseconds() - start)
}
overheads.sort()
print("clock_overhead_ns\t\(overheads[overheads.count / 2])")

for (name, action, target) in cases {
    for _ in 0..<100_000 where decide(actor, action, target, context).isAllowed { sink += 1 }
    let start = nanoseconds()
    for _ in 0..<iterations where decide(actor, action, target, context).isAllowed { sink += 1 }
    let elapsed = nanoseconds() - start
    let perSecond = Double(iterations) / (Double(elapsed) / 1e9)
    var samples: [UInt64] = []
    samples.reserveCapacity(200_000)
    for _ in 0..<200_000 {
        let begin = nanoseconds()
        if decide(actor, action, target, context).isAllowed { sink += 1 }
        samples.append(nanoseconds() - begin)
    }
    samples.sort()
    let mean = Double(elapsed) / Double(iterations)
    print("\(name)\t\(Int(perSecond))\t\(oneDecimal(mean))\t\(samples[samples.count / 2])\t\(samples[samples.count * 99 / 100])")
}
if sink == 42 { print("") }                                   // keeps the loops from being optimised away
