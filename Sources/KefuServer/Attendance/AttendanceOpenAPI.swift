import KefuDomain

/// The attendance part of the OpenAPI document (R6.1, S3).
extension AttendanceAPIController {
    static let operations: [APIOperation] = {
        let tag = "Attendance"
        let staffID: JSONValue = ["name": "staffID", "in": "path", "required": true, "schema": ["type": "integer"]]
        let month: JSONValue = [
            "name": "month", "in": "query", "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"],
            "description": "The month (2026-11); this month when absent",
        ]
        let department: JSONValue = [
            "name": "department", "in": "query", "schema": ["type": "integer"],
            "description": "Leadership only: the department (the customer-service department when absent)",
        ]
        return [
            APIOperation(
                method: .GET, path: "/api/v1/attendance/me", tag: tag,
                summary: "One's own month: days, clock events, marks with their causes, leave and corrections",
                parameters: [month], responses: [200: "AttendanceMonth"]),
            APIOperation(
                method: .GET, path: "/api/v1/attendance/people/{staffID}", tag: tag,
                summary: "A person's month (the person, their supervisor, leadership)", parameters: [staffID, month],
                responses: [200: "AttendanceMonth"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/clock", tag: tag,
                summary: "Clock in or out now; the address given and the network the request came from are recorded",
                requestSchema: "AttendanceClockInput", responses: [201: "AttendanceClock"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/leave-requests", tag: tag,
                summary:
                    "Ask for leave (annual, sick, personal, compensatory) on whole days; overlapping one's other leave is refused",
                requestSchema: "AttendanceLeaveInput", responses: [201: "AttendanceRequest"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/corrections", tag: tag,
                summary: "Ask for a missed-clock correction (补卡) within the deadline and the month's allowance",
                requestSchema: "AttendanceCorrectionInput", responses: [201: "AttendanceRequest"]),
            APIOperation(
                method: .GET, path: "/api/v1/attendance/approvals", tag: tag,
                summary: "The team's leave and corrections waiting for the supervisor",
                responses: [200: "AttendanceApprovals"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/leave-requests/{id}/decision", tag: tag,
                summary: "Approve or reject a leave request (the version read)", parameters: [OpenAPIParameters.id],
                requestSchema: "AttendanceDecision", responses: [200: "AttendanceRequest"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/corrections/{id}/decision", tag: tag,
                summary: "Approve (it becomes a clock event) or reject a correction",
                parameters: [OpenAPIParameters.id],
                requestSchema: "AttendanceDecision", responses: [200: "AttendanceRequest"]),
            APIOperation(
                method: .GET, path: "/api/v1/attendance/marks/{id}", tag: tag,
                summary: "One attendance mark with its number and cause (what a penalty cites)",
                parameters: [OpenAPIParameters.id],
                responses: [200: "AttendanceMark"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/marks/{id}/excuse", tag: tag,
                summary: "The supervisor excuses a mark with a reason: it stays and deducts nothing",
                parameters: [OpenAPIParameters.id],
                requestSchema: "AttendanceExcuse", responses: [200: "AttendanceMark"]),
            APIOperation(
                method: .GET, path: "/api/v1/attendance/team", tag: tag,
                summary: "The team's month: a line per person from the settled marks and leave",
                parameters: [month, department], responses: [200: "AttendanceTeamSheet"]),
            APIOperation(
                method: .GET, path: "/api/v1/attendance/rules", tag: tag, summary: "The attendance rules",
                responses: [200: "AttendanceRules"]),
            APIOperation(
                method: .PUT, path: "/api/v1/attendance/rules", tag: tag,
                summary: "Change the attendance rules (the version read)",
                requestSchema: "AttendanceRules", responses: [200: "AttendanceRules"]),
            APIOperation(
                method: .PUT, path: "/api/v1/attendance/schedules/{staffID}", tag: tag,
                summary: "A person's shift (22:00–06:00 is a night shift ending the next morning)",
                parameters: [staffID],
                requestSchema: "AttendanceShift", responses: [204: nil]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/imports/preview", tag: tag,
                summary:
                    "Read a time clock's CSV (Kefu's layout or 钉钉考勤's): the lines that can be imported and each problem by line",
                requestSchema: "AttendanceImport", responses: [200: "AttendanceImportPreview"]),
            APIOperation(
                method: .POST, path: "/api/v1/attendance/imports", tag: tag,
                summary:
                    "Import the file: refused (422, problems by line) while any line has a problem, unless skipProblems is true",
                requestSchema: "AttendanceImport", responses: [201: "AttendanceImportResult"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), number: JSONValue = ["type": "number"],
            integer = Schema.integer
        let request = Schema.object(
            [
                "id": integer, "type": Schema.enumeration(["leave", "correction"]), "staffID": integer,
                "staffName": text,
                "kind": Schema.nullable("string"), "startDay": nullableText, "endDay": nullableText,
                "part": nullableText, "day": nullableText, "time": nullableText,
                "direction": nullableText, "reason": text,
                "status": Schema.enumeration(AttendanceRequestStatus.allCases.map(\.rawValue)),
                "decidedBy": nullableText, "decidedAt": Schema.nullable("string", format: "date-time"),
                "decisionNote": nullableText, "version": integer,
            ], required: ["id", "type", "staffID", "staffName", "reason", "status", "version"])
        let summary = Schema.object(
            [
                "workingDays": integer, "attendedDays": integer, "latenesses": integer, "earlyLeaves": integer,
                "missingClocks": integer,
                "absenceDays": number, "leaveDays": ["type": "object", "additionalProperties": number],
                "deductionDays": number,
                "score": Schema.nullable("number"),
            ],
            required: [
                "workingDays", "attendedDays", "latenesses", "earlyLeaves", "missingClocks", "absenceDays", "leaveDays",
                "deductionDays",
            ])
        var ruleProperties: [String: JSONValue] = [:]
        for name in [
            "graceMinutes", "freeLatenessesPerMonth", "latenessesPerAbsence", "halfDayMinutes", "clockInWindowMinutes",
            "clockOutWindowMinutes",
            "correctionsPerMonth", "correctionDeadlineDays",
        ] {
            ruleProperties[name] = integer
        }
        ruleProperties["lateDeductionDays"] = number
        return [
            "AttendanceMark": Schema.object(
                [
                    "id": Schema.nullable("integer"), "number": nullableText, "staffID": integer, "day": text,
                    "kind": Schema.enumeration(AttendanceMarkKind.allCases.map(\.rawValue)), "minutes": integer,
                    "deductionDays": number,
                    "cause": text, "causeArguments": ["type": "object", "additionalProperties": text],
                    "causeText": text,
                    "excusedReason": nullableText, "excusedBy": nullableText, "version": Schema.nullable("integer"),
                ],
                required: [
                    "staffID", "day", "kind", "minutes", "deductionDays", "cause", "causeArguments", "causeText",
                ]),
            "AttendanceRequest": request,
            "AttendanceSummary": summary,
            "AttendanceMonth": Schema.object(
                [
                    "staffID": integer, "staffName": text, "month": text,
                    "days": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "day": text, "isWorkingDay": Schema.boolean, "shiftStart": text, "shiftEnd": text,
                                "arrival": Schema.nullable("string", format: "date-time"),
                                "departure": Schema.nullable("string", format: "date-time"),
                                "leave": Schema.nullable("string"), "leavePart": Schema.nullable("string"),
                                "marks": Schema.array(of: "AttendanceMark"),
                            ], required: ["day", "isWorkingDay", "shiftStart", "shiftEnd", "marks"]),
                    ],
                    "summary": Schema.ref("AttendanceSummary"), "leaveRequests": Schema.array(of: "AttendanceRequest"),
                    "corrections": Schema.array(of: "AttendanceRequest"),
                ], required: ["staffID", "staffName", "month", "days", "summary", "leaveRequests", "corrections"]),
            "AttendanceClockInput": Schema.object(
                ["direction": Schema.enumeration(["in", "out"]), "address": nullableText], required: ["direction"]),
            "AttendanceClock": Schema.object(
                ["id": integer, "at": Schema.dateTime, "direction": text, "address": text, "network": text],
                required: ["id", "at", "direction", "address", "network"]),
            "AttendanceLeaveInput": Schema.object(
                [
                    "kind": Schema.enumeration(LeaveKind.allCases.map(\.rawValue)),
                    "startDay": ["type": "string", "format": "date"],
                    "endDay": ["type": "string", "format": "date"], "reason": text,
                    // Half a day: the morning or the afternoon of one day (startDay = endDay).
                    "part": Schema.enumeration(LeavePart.allCases.map(\.rawValue)),
                ], required: ["kind", "startDay", "endDay", "reason"]),
            "AttendanceCorrectionInput": Schema.object(
                [
                    "day": ["type": "string", "format": "date"],
                    "time": ["type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$"],
                    "direction": Schema.enumeration(["in", "out"]), "reason": text,
                ], required: ["day", "time", "direction", "reason"]),
            "AttendanceApprovals": Schema.object(
                [
                    "leaveRequests": Schema.array(of: "AttendanceRequest"),
                    "corrections": Schema.array(of: "AttendanceRequest"),
                ],
                required: ["leaveRequests", "corrections"]),
            "AttendanceDecision": Schema.object(
                ["approve": Schema.boolean, "note": nullableText, "version": integer], required: ["approve", "version"]),
            "AttendanceExcuse": Schema.object(["reason": text, "version": integer], required: ["reason", "version"]),
            "AttendanceTeamSheet": Schema.object(
                [
                    "departmentID": integer, "month": text,
                    "lines": [
                        "type": "array",
                        "items": Schema.object(
                            ["staffID": integer, "staffName": text, "summary": Schema.ref("AttendanceSummary")],
                            required: ["staffID", "staffName", "summary"]),
                    ],
                ], required: ["departmentID", "month", "lines"]),
            "AttendanceRules": Schema.object(
                ["rules": Schema.object(ruleProperties, required: ruleProperties.keys.sorted()), "version": integer],
                required: ["rules", "version"]),
            "AttendanceShift": Schema.object(
                ["shiftStart": text, "shiftEnd": text], required: ["shiftStart", "shiftEnd"]),
            "AttendanceImport": Schema.object(
                ["text": text, "skipProblems": Schema.nullable("boolean")], required: ["text"]),
            "AttendanceImportPreview": Schema.object(
                [
                    "layout": Schema.nullable("string"), "importable": integer,
                    "problems": [
                        "type": "array",
                        "items": Schema.object(
                            ["line": integer, "code": text, "message": text], required: ["line", "code", "message"]),
                    ],
                ], required: ["importable", "problems"]),
            "AttendanceImportResult": Schema.object(
                ["imported": integer, "skipped": integer], required: ["imported", "skipped"]),
        ]
    }
}
