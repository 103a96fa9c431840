// The states of a customer case (客服工单) and its categories: the source document's flowchart
// from receipt to the follow-up call and the archive. Raw values are stored and shown in the API:
// stable forever.

/// Where a case stands.
public enum CaseState: String, CaseIterable, Hashable, Sendable {
    case received                           // recorded in the customer's file
    case classified                         // platform, equipment or other, with a subcategory
    case forwarded                          // with the department (a unit) that owns it
    case warrantyDecided = "warranty_decided"   // equipment: in period or not, cause, charged or free
    case ownerNotified = "owner_notified"   // the owner told the cause and the care advice
    case dispatched                         // with a repair site of the network
    case siteReported = "site_reported"     // the site reported the work back
    case resolved                           // solved; waiting for the follow-up call (回访)
    case closed                             // the customer was satisfied
    case archived                           // filed; final

    /// True for the states in which the case is done with (no SLA clock runs).
    public var isSettled: Bool { self == .closed || self == .archived }
}

/// What kind of issue the customer has.
public enum CaseCategory: String, CaseIterable, Hashable, Sendable {
    case platform                           // 平台问题: the service platform itself
    case equipment                          // 设备问题: a device, repaired by the network under warranty or charged
    case other                              // 其他问题: explained, the customer guided
}

/// Why a case's SLA clock is paused.
public enum PauseReason: String, CaseIterable, Hashable, Sendable {
    case customer                           // waiting for the customer
    case parts                              // waiting for parts
}

/// The outcome of the follow-up call.
public enum FollowUpOutcome: String, CaseIterable, Hashable, Sendable {
    case satisfied
    case unsatisfied
}
