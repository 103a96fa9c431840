// The export formats' text read back by the importer, without a database: CSV quoting and
// reading, headcount text. The rendering itself (layout, SVG, text) is tested in ChartRenderTests.

@testable import ChartRender
@testable import OrgChart
import Testing

@Suite("org chart: export formats read back")
struct OrgChartExportFormatTests {
    @Test("CSV fields with commas, quotes and line breaks are quoted and read back")
    func csvRoundTrip() throws {
        let fields = ["a,b", "say \"hi\"", "line1\nline2", "客服", ""]
        let text = ChartCSV.line(["h1", "h2", "h3", "h4", "h5"]) + ChartCSV.line(fields)
        let parsed = try ImportCSV.parse(ChartCSV.byteOrderMark + Array(text.utf8))
        #expect(parsed.records.count == 1)
        #expect(parsed.header.map { parsed.records[0].fields[$0] ?? "?" } == fields)
        #expect(parsed.records[0].row == 2)
    }

    @Test("a CSV with a stray quote names its row")
    func csvStrayQuote() {
        #expect(throws: ImportCSV.Failure.self) { try ImportCSV.parse(Array("a,b\r\n1,2\r\n3,x\"y\r\n".utf8)) }
        do {
            _ = try ImportCSV.parse(Array("a,b\r\n1,2\r\n3,x\"y\r\n".utf8))
        } catch {
            #expect(error.row == 3)
        }
    }

    @Test("headcount text reads back as the document writes it: 7, 1-3, N, 1/region")
    func headcountText() throws {
        #expect(try Headcount.parse("7").validated() == ("exact", 7, 7))
        #expect(try Headcount.parse("1-3").validated() == ("range", 1, 3))
        #expect(try Headcount.parse("N").validated() == ("unbounded", nil, nil))
        #expect(try Headcount.parse("1/region").validated() == ("per_region", 1, 1))
        #expect(throws: (any Error).self) { try Headcount.parse("3-1").validated() }
        #expect(throws: (any Error).self) { try Headcount.parse("many") }
    }
}
