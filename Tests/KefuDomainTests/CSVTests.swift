import KefuDomain
import Testing

@Suite("CSV import and export: encodings, parsing, writing, column mapping")
struct CSVTests {
    let customers = "客户姓名,手机,公司\n张伟,13812345678,上海浦江科技有限公司\n"

    // MARK: Encodings

    @Test("plain UTF-8 is detected and read as is")
    func utf8() throws {
        let decoded = try CSVText.decode(Array(customers.utf8))
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == customers)
    }

    @Test("UTF-8 with BOM (Excel's \"CSV UTF-8\") is detected and the BOM removed")
    func utf8WithBOM() throws {
        let decoded = try CSVText.decode([0xEF, 0xBB, 0xBF] + Array(customers.utf8))
        #expect(decoded.encoding == .utf8BOM)
        #expect(decoded.text == customers)
        #expect(try CSVTable.parse(decoded.text).header == ["客户姓名", "手机", "公司"])
    }

    @Test("GB18030 (what Excel saves in China) round-trips through detection")
    func gb18030RoundTrip() throws {
        let bytes = try CSVText.encodeGB18030(customers)
        #expect(bytes != Array(customers.utf8))
        let decoded = try CSVText.decode(bytes)
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == customers)
        #expect(try CSVTable.parse(decoded.text).rows.first?.fields == ["张伟", "13812345678", "上海浦江科技有限公司"])
    }

    @Test("GBK bytes decode, since GB18030 is a superset of GBK")
    func gbkBytes() throws {
        let decoded = try CSVText.decode([0xD5, 0xC5, 0xCE, 0xB0])
        #expect(decoded == (text: "张伟", encoding: .gb18030))
        #expect(try CSVText.encodeGB18030("张伟") == [0xD5, 0xC5, 0xCE, 0xB0])
    }

    @Test("bytes that are neither UTF-8 nor GB18030 are refused with their offset")
    func undecodable() {
        #expect(throws: CSVError.undecodable(byteOffset: 2)) { try CSVText.decode([0x41, 0x2C, 0xFF, 0xFF]) }
        #expect(throws: CSVError.undecodable(byteOffset: 2)) { try CSVText.decode([0xD5, 0xC5, 0xCE]) }
        #expect(throws: CSVError.undecodable(byteOffset: 0)) { try CSVText.decode([0xD5, 0xC5], as: .utf8) }
    }

    @Test("a chosen encoding overrides detection")
    func chosenEncoding() throws {
        #expect(try CSVText.decode(Array("张伟".utf8), as: .utf8) == (text: "张伟", encoding: .utf8))
        #expect(try CSVText.decode(Array("abc".utf8), as: .gb18030) == (text: "abc", encoding: .gb18030))
        #expect(try CSVText.decode([]) == (text: "", encoding: .utf8))
    }

    @Test("export for Excel is UTF-8 with a BOM")
    func excelEncoding() throws {
        let bytes = CSVText.encodeForExcel("客户姓名\r\n张伟\r\n")
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(bytes.dropFirst(3)) == Array("客户姓名\r\n张伟\r\n".utf8))
        #expect(try CSVText.decode(bytes) == (text: "客户姓名\r\n张伟\r\n", encoding: .utf8BOM))
    }

    // MARK: Parsing

    @Test("quoted cells keep commas, quotes and line breaks, and later rows keep their line numbers")
    func quotedFields() throws {
        let text = """
            客户姓名,地址,备注
            张伟,"上海市浦东新区
            张江路88号",VIP
            李娜,"北京市朝阳区建国路1号,2号楼","客户说""尽快""回电"
            王芳,广州市天河区,

            """
        let table = try CSVTable.parse(text)
        #expect(table.header == ["客户姓名", "地址", "备注"])
        #expect(
            table.rows == [
                CSVRow(line: 2, fields: ["张伟", "上海市浦东新区\n张江路88号", "VIP"]),
                CSVRow(line: 4, fields: ["李娜", "北京市朝阳区建国路1号,2号楼", "客户说\"尽快\"回电"]),
                CSVRow(line: 5, fields: ["王芳", "广州市天河区", ""]),
            ])
    }

    @Test("CRLF and bare CR line endings, blank lines skipped but counted")
    func lineEndings() throws {
        let crlf = try CSVTable.parse("客户姓名,手机\r\n张伟,13812345678\r\n\r\n李娜,13987654321\r\n")
        #expect(
            crlf.rows == [
                CSVRow(line: 2, fields: ["张伟", "13812345678"]),
                CSVRow(line: 4, fields: ["李娜", "13987654321"]),
            ])
        let cr = try CSVTable.parse("客户姓名,手机\r张伟,13812345678\r李娜,13987654321")
        #expect(cr.rows.map(\.line) == [2, 3])
        #expect(cr.rows.last?.fields == ["李娜", "13987654321"])
    }

    @Test("tab-separated text is recognised from its header line")
    func tabSeparated() throws {
        let table = try CSVTable.parse("客户姓名\t手机\t公司\n张伟\t13812345678\t上海浦江科技有限公司,浦东分公司\n")
        #expect(table.header == ["客户姓名", "手机", "公司"])
        #expect(table.rows.first?.fields == ["张伟", "13812345678", "上海浦江科技有限公司,浦东分公司"])
        #expect(try CSVTable.parse("姓名,备注\n张伟,a\tb\n").rows.first?.fields == ["张伟", "a\tb"])
    }

    @Test("header cells are trimmed of spaces and a stray BOM; data cells are kept as typed")
    func headerTrimming() throws {
        let table = try CSVTable.parse("\u{FEFF} 客户姓名 ,\u{3000}手机\n 张伟 ,13812345678\n")
        #expect(table.header == ["客户姓名", "手机"])
        #expect(table.rows.first?.fields == [" 张伟 ", "13812345678"])
    }

    @Test("short rows are padded, extra filled cells are counted, trailing empty cells and empty rows dropped")
    func rowWidths() throws {
        let table = try CSVTable.parse("客户姓名,手机,公司\n张伟\n李娜,13987654321,北京华信,多出来的,\n王芳,13700001111,,,,\n,,,\n")
        #expect(
            table.rows == [
                CSVRow(line: 2, fields: ["张伟", "", ""]),
                CSVRow(line: 3, fields: ["李娜", "13987654321", "北京华信", "多出来的"], extraFieldCount: 1),
                CSVRow(line: 4, fields: ["王芳", "13700001111", ""]),
            ])
    }

    @Test("an unterminated quote is reported on the line where it opens")
    func unterminatedQuote() {
        #expect(throws: CSVError.unterminatedQuote(line: 3)) {
            try CSVTable.parse("客户姓名,备注\n张伟,正常\n李娜,\"没有结束\n王芳,好\n")
        }
        #expect(CSVError.unterminatedQuote(line: 3).line == 3)
        #expect(CSVError.unterminatedQuote(line: 3).messageKey == "csv.error.unterminated_quote")
    }

    @Test("row and field limits stop oversized files")
    func limits() throws {
        let threeRows = "客户姓名\n张伟\n李娜\n王芳\n"
        #expect(throws: CSVError.tooManyRows(limit: 2)) { try CSVTable.parse(threeRows, maximumRows: 2) }
        #expect(try CSVTable.parse(threeRows, maximumRows: 3).rows.count == 3)
        #expect(throws: CSVError.fieldTooLong(line: 3, column: 2)) {
            try CSVTable.parse("客户姓名,备注\n张伟,五个汉字\n李娜,超过五个汉字\n", maximumFieldLength: 5)
        }
        #expect(CSVError.fieldTooLong(line: 3, column: 2).line == 3)
        #expect(CSVError.fieldTooLong(line: 3, column: 2).column == 2)
        #expect(CSVError.tooManyRows(limit: 2).messageKey == "csv.error.too_many_rows")
    }

    @Test("empty input has no header; a header alone has no rows")
    func empty() throws {
        for text in ["", "\n", "\r\n\r\n", ",,\n"] {
            #expect(throws: CSVError.empty) { try CSVTable.parse(text) }
        }
        #expect(CSVError.empty.line == nil)
        #expect(CSVError.empty.messageKey == "csv.error.empty")
        #expect(try CSVTable.parse("客户姓名,手机\n") == CSVTable(header: ["客户姓名", "手机"], rows: []))
    }

    // MARK: Writing

    @Test("formula-looking cells are neutralized, other cells untouched")
    func formulaNeutralization() {
        #expect(
            CSVTable.neutralizeFormula("=HYPERLINK(\"http://evil.example\",\"点击\")")
                == "'=HYPERLINK(\"http://evil.example\",\"点击\")")
        #expect(CSVTable.neutralizeFormula("+86 138 1234 5678") == "'+86 138 1234 5678")
        #expect(CSVTable.neutralizeFormula("-5") == "'-5")
        #expect(CSVTable.neutralizeFormula("@SUM(A1:A9)") == "'@SUM(A1:A9)")
        #expect(CSVTable.neutralizeFormula("\tcmd") == "'\tcmd")
        #expect(CSVTable.neutralizeFormula("\r=1") == "'\r=1")
        for cell in ["张伟", "13812345678", "上海浦江科技有限公司", "zhang.wei@pujiang.cn", "", "1+1=2"] {
            #expect(CSVTable.neutralizeFormula(cell) == cell)
        }
    }

    @Test("write quotes what needs quoting and ends lines with CRLF")
    func write() {
        let text = CSVTable.write(
            header: ["客户姓名", "地址", "备注"],
            rows: [["张伟", "上海市浦东新区张江路88号,2号楼", "客户说\"尽快\"回电"], ["李娜", "北京市\n朝阳区", "=1+1"]]
        )
        #expect(
            text == "客户姓名,地址,备注\r\n"
                + "张伟,\"上海市浦东新区张江路88号,2号楼\",\"客户说\"\"尽快\"\"回电\"\r\n"
                + "李娜,\"北京市\n朝阳区\",'=1+1\r\n")
    }

    @Test("what write produces, parse reads back (neutralized cells keep their quote)")
    func roundTrip() throws {
        let header = ["客户姓名", "手机", "公司", "备注"]
        let rows = [
            ["张伟", "13812345678", "上海浦江科技有限公司", "已签约, 回访\"满意\""],
            ["李娜", "13987654321", "北京华信咨询有限公司", "多行\r\n备注"],
            ["王芳", "+86 137 0000 1111", "", "-"],
        ]
        let table = try CSVTable.parse(CSVTable.write(header: header, rows: rows))
        #expect(table.header == header)
        #expect(table.rows.map(\.fields) == [rows[0], rows[1], ["王芳", "'+86 137 0000 1111", "", "'-"]])
        #expect(table.rows.map(\.line) == [2, 3, 5])
    }

    // MARK: Column mapping

    let customerFields = [
        "name": ["姓名", "客户姓名", "联系人"],
        "mobile": ["手机", "手机号", "手机号码", "mobile"],
        "company": ["公司", "公司名称", "单位", "company"],
        "creditCode": ["统一社会信用代码", "信用代码"],
    ]

    @Test("Chinese headers are mapped to customer fields, unknown columns left out")
    func mappingGuess() {
        let mapping = ColumnMapping.guess(
            header: ["序号", "客户姓名", "手机号码", "公司名称", "统一社会信用代码", "备注"],
            fields: customerFields
        )
        #expect(mapping == ColumnMapping(fieldForColumn: [1: "name", 2: "mobile", 3: "company", 4: "creditCode"]))
        #expect(mapping.column(of: "mobile") == 2)
        #expect(mapping.column(of: "email") == nil)
        let row = CSVRow(line: 2, fields: ["1", "张伟", "13812345678", "上海浦江科技有限公司", "91310115MA1K4C2X3E", ""])
        #expect(
            mapping.values(in: row) == [
                "name": "张伟", "mobile": "13812345678", "company": "上海浦江科技有限公司", "creditCode": "91310115MA1K4C2X3E",
            ])
    }

    @Test("matching ignores case, spaces, full-width forms and a required-column star")
    func mappingNormalization() {
        let mapping = ColumnMapping.guess(
            header: ["＊客户 姓名", "ＭＯＢＩＬＥ", " Company\u{3000}", "creditcode"], fields: customerFields)
        #expect(mapping.fieldForColumn == [0: "name", 1: "mobile", 2: "company", 3: "creditCode"])
    }

    @Test("a field takes one column and a column fills one field")
    func mappingIsOneToOne() {
        let mapping = ColumnMapping.guess(header: ["姓名", "联系人", "手机"], fields: customerFields)
        #expect(mapping.fieldForColumn == [0: "name", 2: "mobile"])
        let shared = ColumnMapping.guess(
            header: ["联系人", "联系人"],
            fields: ["name": ["姓名", "联系人"], "contact": ["联系人"]]
        )
        #expect(shared.fieldForColumn == [0: "contact", 1: "name"])
    }
}
