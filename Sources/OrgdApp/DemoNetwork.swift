// The demo tenant's after-sales service network (`orgd seed demo`), from the source document's
// after-sales department: a regional office in each region, authorised repair stations, dealers,
// an after-sales station and the new-parts and returned-parts (三包) warehouses, each at its
// place in the lifecycle; their technicians (维修工) with certifications (one expiring soon, one
// expired) and trainings; the network's inspection checklist (巡查考核表) and last month's
// inspection of the Hangzhou station, which scored under the threshold and put it on probation;
// written through the network's stores.

import App
import Network
import OrgChart
import Postgres

enum DemoNetwork {
    struct Place {
        var code: String
        var kind: String
        var name: String
        var region: String                  // a city's code, below its region
        var point: (Double, Double)
        var address: String
        var capabilities: [String]
        var path: [SiteStatus]              // the moves it has made, in order
        var untilDays: Int?                 // authorisation end, days from today
    }

    /// The cities the sites stand in, under the demo's regions.
    static let cities: [(code: String, name: String, region: String)] = [
        ("SH", "上海", "EAST"), ("HZ", "杭州", "EAST"), ("GZ", "广州", "SOUTH"), ("BJ", "北京", "NORTH"), ("CD", "成都", "WEST"),
    ]

    static let authorised: [SiteStatus] = [.onboarding, .authorised]
    static let all = ["terminal/repair", "terminal/installation", "terminal/maintenance", "dashcam/repair", "dashcam/installation"]

    static let places: [Place] = [
        Place(code: "RO-EAST", kind: "regional_office", name: "华东驻外办事处", region: "SH", point: (31.2304, 121.4737),
              address: "上海市黄浦区人民大道200号", capabilities: [], path: authorised, untilDays: nil),
        Place(code: "RO-SOUTH", kind: "regional_office", name: "华南驻外办事处", region: "GZ", point: (23.1291, 113.2644),
              address: "广州市越秀区中山五路", capabilities: [], path: authorised, untilDays: nil),
        Place(code: "RO-NORTH", kind: "regional_office", name: "华北驻外办事处", region: "BJ", point: (39.9042, 116.4074),
              address: "北京市东城区东长安街", capabilities: [], path: authorised, untilDays: nil),
        Place(code: "RO-WEST", kind: "regional_office", name: "西部驻外办事处", region: "CD", point: (30.5728, 104.0668),
              address: "成都市锦江区红星路", capabilities: [], path: authorised, untilDays: nil),
        Place(code: "RS-SH-PD", kind: "repair_station", name: "上海浦东特约维修站", region: "SH", point: (31.2215, 121.5447),
              address: "上海市浦东新区张杨路", capabilities: all, path: authorised, untilDays: 365),
        Place(code: "RS-HZ-XH", kind: "repair_station", name: "杭州西湖特约维修站", region: "HZ", point: (30.2741, 120.1551),
              address: "杭州市西湖区文三路", capabilities: ["terminal/repair", "terminal/maintenance"], path: authorised, untilDays: 365),
        Place(code: "RS-GZ-TH", kind: "repair_station", name: "广州天河特约维修站", region: "GZ", point: (23.1350, 113.3290),
              address: "广州市天河区天河路", capabilities: ["terminal/repair", "dashcam/repair"], path: authorised, untilDays: 20),
        Place(code: "RS-BJ-CY", kind: "repair_station", name: "北京朝阳特约维修站", region: "BJ", point: (39.9219, 116.4436),
              address: "北京市朝阳区建国路", capabilities: ["terminal/repair"], path: [.onboarding], untilDays: nil),
        Place(code: "RS-CD-WH", kind: "repair_station", name: "成都武侯特约维修站", region: "CD", point: (30.6420, 104.0430),
              address: "成都市武侯区人民南路", capabilities: ["terminal/repair"], path: authorised + [.suspended], untilDays: 365),
        Place(code: "DL-SH-TD", kind: "dealer", name: "上海通达经销商", region: "SH", point: (31.1880, 121.4370),
              address: "上海市徐汇区漕溪北路", capabilities: ["terminal/installation", "dashcam/installation"], path: authorised, untilDays: 365),
        Place(code: "DL-GZ-SF", kind: "dealer", name: "广州顺发经销商", region: "GZ", point: (23.1060, 113.3240),
              address: "广州市海珠区新港中路", capabilities: ["dashcam/installation"], path: authorised, untilDays: 365),
        Place(code: "AS-BJ", kind: "after_sales_station", name: "北京售后站", region: "BJ", point: (39.8650, 116.3790),
              address: "北京市丰台区南三环", capabilities: ["terminal/repair", "terminal/maintenance", "dashcam/repair"],
              path: authorised, untilDays: 365),
        Place(code: "WH-NEW", kind: "parts_warehouse_new", name: "总部新件仓库", region: "SH", point: (31.3300, 121.2800),
              address: "上海市嘉定区", capabilities: ["terminal/parts_supply", "dashcam/parts_supply"], path: authorised, untilDays: nil),
        Place(code: "WH-RET", kind: "parts_warehouse_returned", name: "总部旧件（三包）仓库", region: "SH", point: (31.3310, 121.2810),
              address: "上海市嘉定区", capabilities: [], path: authorised, untilDays: nil),
    ]

    /// Adds the network to the tenant being seeded (tenant set, inside the seeding transaction).
    /// Returns the sites' ids by code.
    @discardableResult
    static func build(_ connection: PGConnection, tenantID: String, anchors: DemoChart.Anchors) async throws -> [String: String] {
        for (code, name) in [("terminal", "车载终端"), ("dashcam", "行车记录仪")] {
            _ = try await NetworkTermStore.add(connection, tenant: tenantID, .productLine, code: code, name: name)
        }
        var cityIDs: [String: String] = [:]
        for city in cities {
            cityIDs[city.code] = try await RegionStore.create(connection, tenant: tenantID, parent: anchors.regions[city.region],
                                                              name: city.name, code: city.code, from: OrgDate.today)
        }
        // A year of history: each site planned and onboarding 13 months ago, authorised a year
        // ago, a suspension two weeks ago.
        let today = Day.today
        let planned = today.adding(days: -395).description, authorisedOn = today.adding(days: -365).description
        var sites: [String: String] = [:]
        for place in places {
            var fields = SiteFields(kind: place.kind, name: place.name, regionID: cityIDs[place.region]!)
            fields.address = place.address
            fields.latitude = place.point.0
            fields.longitude = place.point.1
            fields.capabilities = place.capabilities
            fields.responsiblePositionID = anchors.afterSalesManager
            fields.contactPhone = "400-800-" + String(1000 + sites.count)
            guard let id = try await SiteStore.create(connection, tenant: tenantID, code: place.code, fields, on: planned) else {
                throw DemoSeedError.taken("site \(place.code)")
            }
            for status in place.path {
                let day = switch status {
                case .onboarding: planned
                case .authorised: authorisedOn
                default: today.adding(days: -14).description
                }
                let site = try await SiteStore.site(connection, id: id, on: today.description)!
                let until = place.untilDays.map { today.adding(days: $0).description }
                _ = try await SiteStore.transition(connection, tenant: tenantID, site: site, to: status,
                                                   reason: reason(status), on: day, actor: nil,
                                                   authorisedFrom: status == .authorised ? authorisedOn : site.authorisedFrom,
                                                   authorisedUntil: status == .authorised ? until : site.authorisedUntil)
            }
            sites[place.code] = id
        }
        try await technicians(connection, tenantID: tenantID, sites: sites)
        try await inspections(connection, tenantID: tenantID, sites: sites, inspector: anchors.afterSalesManager,
                              person: anchors.afterSalesManagerHolder)
        return sites
    }

    /// Technicians: name, phone, the site they work at, their certifications (capability, days
    /// until it expires) and a training.
    static let technicians: [(name: String, phone: String, site: String, certifications: [(String, Int)], course: String)] = [
        ("王建国", "13900000101", "RS-SH-PD", [("terminal/repair", 400), ("dashcam/repair", 400)], "车载终端维修（高级）"),
        ("陈立", "13900000102", "RS-SH-PD", [("terminal/installation", 200), ("terminal/maintenance", 200)], "终端安装规范"),
        ("周海", "13900000103", "RS-HZ-XH", [("terminal/repair", 300), ("terminal/maintenance", 300)], "车载终端维修（中级）"),
        ("黄志强", "13900000104", "RS-GZ-TH", [("terminal/repair", 12), ("dashcam/repair", 365)], "行车记录仪维修"),
        ("刘伟", "13900000105", "AS-BJ", [("terminal/repair", 500), ("dashcam/repair", -3)], "车载终端维修（中级）"),
        ("赵敏", "13900000106", "DL-SH-TD", [("terminal/installation", 365), ("dashcam/installation", 365)], "终端安装规范"),
        ("孙涛", "13900000107", "RS-CD-WH", [("terminal/repair", 200)], "车载终端维修（初级）"),
    ]

    /// Adds the technicians at their sites (from a year ago), each certified a year ago.
    static func technicians(_ connection: PGConnection, tenantID: String, sites: [String: String]) async throws {
        let yearAgo = Day.today.adding(days: -365).description
        for person in technicians {
            let id = try await TechnicianStore.create(connection, tenant: tenantID, name: person.name, phone: person.phone, email: "",
                                                      notes: "", site: sites[person.site]!, from: yearAgo)
            for (capability, days) in person.certifications {
                _ = try await CertificationStore.add(connection, tenant: tenantID, technician: id, capability: capability,
                                                     issuer: "总部技术培训组", issuedOn: yearAgo,
                                                     expiresOn: Day.today.adding(days: days).description)
            }
            _ = try await TrainingStore.add(connection, tenant: tenantID, technician: id, course: person.course, takenOn: yearAgo,
                                            result: .passed, notes: "")
        }
    }

    /// The checklist: key, title, weight, maximum score, mandatory.
    static let checklist: [(String, String, Int, Int, Bool)] = [
        ("signage", "门头与授权标识规范", 1, 5, false), ("tools", "维修工具与检测设备齐全", 2, 10, true),
        ("parts", "配件来源正规、旧件（三包件）按期返还", 2, 10, true), ("records", "维修记录与回访记录完整", 2, 10, true),
        ("training", "维修工持证上岗", 1, 5, true), ("service", "服务态度与客户满意度", 2, 10, false),
    ]

    /// The checklist, a passing inspection of the Pudong station, and the Hangzhou one's, which
    /// scored 44 against the threshold 60 and put the station on probation, with corrective actions.
    static func inspections(_ connection: PGConnection, tenantID: String, sites: [String: String], inspector: String,
                            person: String) async throws {
        let items = checklist.map { InspectionTemplateItem(key: $0.0, title: $0.1, weightHundredths: $0.2 * 100, maxScore: $0.3, mandatory: $0.4) }
        let template = try await InspectionTemplateStore.create(connection, tenant: tenantID, name: "特约维修站巡查考核表（2026版）", items: items)
        let threshold = Int((NetworkSettings.defaults.probationThreshold * 100).rounded())
        let visits: [(site: String, daysAgo: Int, scores: [Int], findings: String, actions: [(String, String, Int)])] = [
            ("RS-SH-PD", 45, [5, 9, 9, 8, 5, 9], "整体规范，个别维修记录缺少客户签字。", []),
            ("RS-HZ-XH", 20, [3, 4, 3, 2, 5, 5], "旧件未按期返还三包仓库；维修记录缺失较多；检测设备过期未校准。", [
                ("按期返还积压旧件至总部旧件（三包）仓库", "周海", 10), ("补齐近三个月维修与回访记录", "站长", 25),
                ("送检并校准检测设备", "站长", -2),
            ]),
        ]
        for visit in visits {
            let site = try await SiteStore.site(connection, id: sites[visit.site]!, on: OrgDate.today)!
            let given = zip(checklist, visit.scores).map { InspectionScoring.Given(item: $0.0.0, score: $0.1) }
            let inspected = Day.today.adding(days: -visit.daysAgo)
            _ = try await InspectionRecording.record(connection, tenant: tenantID, site: site, InspectionDraft(
                siteID: site.id, templateID: template, inspectedOn: inspected.description, inspectorPositionID: inspector,
                inspectorPersonID: person, totalHundredths: InspectionScoring.total(given, against: items), thresholdHundredths: threshold,
                findings: visit.findings, recordedBy: nil, scores: given.map { (item: $0.item, score: $0.score, note: "") }),
                actions: visit.actions.map { (description: $0.0, owner: $0.1, dueOn: inspected.adding(days: visit.daysAgo + $0.2).description) })
        }
    }

    static func reason(_ status: SiteStatus) -> String {
        switch status {
        case .onboarding: "签约，开始建站"
        case .authorised: "验收合格，授权为特约服务网点"
        case .suspended: "客户投诉集中，暂停派单整改"
        default: "演示"
        }
    }
}
