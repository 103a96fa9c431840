// The demo tenant's org chart (`orgd seed demo`, through DemoSeed.orgChart), drawn from the
// source document: a company on the A+/A/a/B+ ladder with its board, president's office and
// departments; the after-sales service department (functions, groups, positions with headcounts,
// duties and forms, one vice-director per region); and the call center with named people,
// explicit vacancies (暂缺) and a concurrent post (兼任).

import App
import OrgChart
import Postgres

enum DemoChart {
    static let since = "2024-01-01"         // the demo's effective date, so as_of before it is empty

    /// What the service network's demo hangs on: the regions by code and the after-sales manager's post.
    struct Anchors {
        var regions: [String: String]
        var afterSalesManager: String           // 售后服务部经理, the network's inspector
        var afterSalesManagerHolder: String     // 赵德明, who holds it
        var units: [String: String] = [:]       // by code: CC (客服中心), OPS (网络运营部), AS (售后服务部)
    }

    /// Loads the charts into the tenant being seeded (inside TenantStore's transaction, tenant set).
    static func build(_ connection: PGConnection, tenantID: String) async throws -> Anchors {
        try await Chart(connection: connection, tenant: tenantID).build()
    }

    struct Chart {
        let connection: PGConnection
        let tenant: String

        func unit(_ name: String, _ code: String, _ kind: String, tier: String?, label: String?, parent: String?,
                  functions: [String] = [], region: String? = nil, order: Int = 0, planned: Int? = nil) async throws -> String {
            try await UnitStore.create(connection, tenant: tenant, UnitStore.Fields(
                name: name, code: code, kind: kind, tier: tier, roleLabel: label, functions: functions, parent: parent, region: region,
                sortOrder: order, plannedEstablishment: planned), from: since)
        }

        func position(_ title: String, unit: String, grade: String?, headcount: (String, Int?, Int?) = ("exact", 1, 1),
                      kind: String = "regular", duties: [String] = [], forms: [String] = [], reportsTo: String? = nil,
                      span: (Int, Int)? = nil, order: Int = 0) async throws -> String {
            try await PositionStore.create(connection, tenant: tenant, PositionStore.Draft(
                unit: unit, title: title, grade: grade, headcount: headcount, duties: duties, forms: forms, kind: kind,
                reportsTo: reportsTo, span: span, sortOrder: order), from: since)
        }

        /// People and regions start on the day the demo is seeded (as a row created without a
        /// first day does), not on `since`: the demo has always been seeded that way.
        func person(_ name: String, _ number: String, phone: String) async throws -> String {
            guard let id = try await PersonStore.create(connection, tenant: tenant, employeeNo: number, name: name,
                                                        contact: PGJSON("{\"phone\": \"\(phone)\"}"), homeUnit: nil,
                                                        from: OrgDate.today) else {
                throw DemoSeedError.taken("employee_no \(number)")
            }
            return id
        }

        func assign(_ person: String, _ position: String, kind: String = "primary", region: String? = nil) async throws {
            _ = try await AssignmentStore.create(connection, tenant: tenant, person: person, position: position, kind: kind,
                                                 range: "[\(since),)", region: region)
        }

        func region(_ name: String, _ code: String) async throws -> String {
            try await RegionStore.create(connection, tenant: tenant, parent: nil, name: name, code: code, from: OrgDate.today)
        }

        func handoff(_ from: String, _ to: String) async throws {
            guard try await HandoffStore.create(connection, tenant: tenant, from: from, to: to, note: "", on: since) != nil else {
                throw DemoSeedError.taken("handoff \(from) → \(to)")
            }
        }

        func build() async throws -> Anchors {
            let east = try await region("华东", "EAST")
            let south = try await region("华南", "SOUTH")
            let north = try await region("华北", "NORTH")
            let west = try await region("西部", "WEST")

            // The company: A+ decides, A manages, a assists, B+ does the business.
            let board = try await unit("董事会", "BOARD", "board", tier: "A+", label: "decision", parent: nil,
                                       functions: ["决定公司内部管理机构的设置", "聘任或解聘总裁办公室及财务负责人"])
            let office = try await unit("总裁办公室", "PRES", "office", tier: "A", label: "functional_management", parent: board,
                                        functions: ["批准其下人事任免", "执行公司规章制度"])
            let finance = try await unit("财务部", "FIN", "department", tier: "a", label: "assistant", parent: office, order: 1)
            let legal = try await unit("法务部", "LAW", "department", tier: "a", label: "assistant", parent: office, order: 2)
            let marketing = try await unit("营销部", "MKT", "department", tier: "B+", label: "business", parent: office, order: 3)
            let operations = try await unit("网络运营部", "OPS", "department", tier: "B+", label: "business", parent: office, order: 4)
            let chairman = try await position("董事长", unit: board, grade: "A+1", kind: "head")
            let member = try await position("董事", unit: board, grade: "A+2", headcount: ("range", 2, 4), reportsTo: chairman)
            let president = try await position("总裁", unit: office, grade: "A1", kind: "head", reportsTo: chairman)
            let cfo = try await position("财务总监", unit: finance, grade: "A2", kind: "head", reportsTo: president)
            _ = try await position("会计", unit: finance, grade: "a2", headcount: ("exact", 2, 2), reportsTo: cfo)
            _ = try await position("出纳", unit: finance, grade: "a2", reportsTo: cfo)
            _ = try await position("法务总监", unit: legal, grade: "A2", kind: "head", reportsTo: president)
            let salesDirector = try await position("营销总监", unit: marketing, grade: "B+1", kind: "head", reportsTo: president)
            let viceDirector = try await position("区域副总监", unit: marketing, grade: "B+2", headcount: ("per_region", 1, 1),
                                   duties: ["代表总部管理本区域的营销与售后工作"], reportsTo: salesDirector)
            let zhou = try await person("周建国", "D0001", phone: "13900000001")
            try await assign(zhou, chairman)
            try await assign(try await person("钱文华", "D0002", phone: "13900000002"), member)
            try await assign(try await person("孙立平", "P0001", phone: "13900000003"), president)
            // One vice-director per region (1名/区域): East is filled, the other regions are vacant.
            try await assign(try await person("郑东海", "M0001", phone: "13800000001"), viceDirector, region: east)

            // The after-sales service department and its network.
            let afterSales = try await unit("售后服务部", "AS", "department", tier: "B+", label: "business", parent: office, functions: [
                "负责制定公司年度售后服务工作计划",
                "负责在各区域市场规划、开发、建立和维护特约维修点",
                "制定经销商及售后站的服务标准，并进行指导、巡查和考核",
                "建立特约维修点及维修工的管理档案，负责维修工的培训并保管培训资料",
                "监督整个售后服务网络的运行，汇报不足并提出改进措施",
                "管理新件仓库与旧件（三包）仓库",
                "完成公司交办的其他工作",
            ], order: 5)
            let network = try await unit("网络管理组", "AS-NET", "group", tier: nil, label: nil, parent: afterSales)
            let training = try await unit("技术培训组", "AS-TRAIN", "group", tier: nil, label: nil, parent: afterSales)
            let parts = try await unit("配件仓库组", "AS-PARTS", "group", tier: nil, label: nil, parent: afterSales)
            _ = try await unit("华东驻外办事处", "AS-EAST", "regional_office", tier: nil, label: nil, parent: afterSales, region: east)
            let asManager = try await position("售后服务部经理", unit: afterSales, grade: "B+3", kind: "head", duties: [
                "全面负责售后服务部的工作", "制定并落实年度售后服务计划", "管理特约维修网络", "考核部门员工",
            ], reportsTo: salesDirector)
            _ = try await position("网络管理专员", unit: network, grade: "B+5", headcount: ("range", 1, 3),
                                   duties: ["开发与维护特约维修点", "巡查、考核维修点"], forms: ["维修点巡查表", "维修点考核表"], reportsTo: asManager)
            _ = try await position("技术培训专员", unit: training, grade: "B+5", headcount: ("exact", 2, 2),
                                   duties: ["培训维修工", "保管培训资料"], forms: ["培训记录表"], reportsTo: asManager)
            _ = try await position("配件管理员", unit: parts, grade: "B+5", duties: ["管理新件仓库", "管理三包旧件仓库"],
                                   forms: ["每日发货清单"], reportsTo: asManager)
            let zhao = try await person("赵德明", "AS001", phone: "13700000001")
            try await assign(zhao, asManager)

            // The call center (满额配置 21人, running below it).
            let center = try await unit("客服中心", "CC", "center", tier: "B+", label: "business", parent: office, functions: [
                "受理客户咨询与投诉并记录客户档案", "分类处理平台、设备及其他问题", "回访客户", "按月汇总问题并反馈相关部门",
            ], order: 6, planned: 21)
            let intake = try await unit("业务受理室", "CC-IN", "room", tier: nil, label: nil, parent: center)
            let ask = try await unit("咨询受理组", "CC-ASK", "group", tier: nil, label: nil, parent: intake)
            let followUp = try await unit("回访组", "CC-FU", "group", tier: nil, label: nil, parent: center)
            let ccDirector = try await position("部门总监", unit: center, grade: "B+1", kind: "head", reportsTo: president)     // 暂缺
            let opsManager = try await position("运营经理", unit: center, grade: "B+3", reportsTo: ccDirector)
            let accountManager = try await position("客户经理", unit: center, grade: "B+3", headcount: ("exact", 4, 4), reportsTo: ccDirector)
            let teamLead = try await position("话务班长", unit: ask, grade: "B+4", reportsTo: opsManager, span: (15, 20))
            let agent = try await position("话务员", unit: ask, grade: "B+5", headcount: ("unbounded", nil, nil),
                                           duties: ["接听客户来电", "记录客户档案", "转交责任部门并跟踪"], reportsTo: teamLead)
            let followLeader = try await position("回访组长", unit: followUp, grade: "B+4", kind: "head", reportsTo: opsManager)
            _ = try await position("回访专员", unit: followUp, grade: "B+5", headcount: ("exact", 2, 2), reportsTo: followLeader)
            _ = try await position("管培生", unit: center, grade: "B+5", headcount: ("range", 0, 2), kind: "trainee")
            let liang = try await person("梁军", "CC001", phone: "13600000001")
            try await assign(liang, opsManager)
            try await assign(liang, followLeader, kind: "concurrent")                 // Leader: 梁军(兼任)
            try await assign(try await person("李晓贤", "CC002", phone: "13600000002"), accountManager)   // 客户经理1
            try await assign(try await person("吴翠婷", "CC003", phone: "13600000003"), accountManager)   // 客户经理2
            try await assign(try await person("陈小明", "CC004", phone: "13600000004"), teamLead)
            for (index, name) in ["王丽", "张敏", "刘洋"].enumerated() {
                try await assign(try await person(name, "CC1\(index)", phone: "1350000000\(index)"), agent)
            }

            // 对接部门: operations → after-sales → customer service; marketing → customer service.
            try await handoff(operations, afterSales)
            try await handoff(afterSales, center)
            try await handoff(marketing, center)
            _ = legal
            return Anchors(regions: ["EAST": east, "SOUTH": south, "NORTH": north, "WEST": west], afterSalesManager: asManager,
                           afterSalesManagerHolder: zhao, units: ["CC": center, "OPS": operations, "AS": afterSales])
        }
    }
}

/// A demo row the database refused as already there, which a freshly created tenant cannot have:
/// the seed stops and its transaction rolls back.
enum DemoSeedError: Error, CustomStringConvertible {
    case taken(String)

    var description: String {
        switch self {
        case .taken(let what): "the demo tenant already has \(what)"
        }
    }
}
