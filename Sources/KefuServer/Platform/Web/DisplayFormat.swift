import Foundation

/// How dates and numbers read on pages (S2): `2026-11-29 14:30`, in China Standard Time.
enum DisplayFormat {
    static let timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// A count that stopped at a cap: "1000+" rather than a number that only looks exact.
    static func count(_ total: Int, cap: Int) -> String { total > cap ? "\(cap)+" : String(total) }

    static func dateTime(_ date: Date) -> String {
        // China has kept UTC+8 all year since 1992: the fields follow from the seconds with integer
        // arithmetic, a list page's dates without a calendar. Earlier dates (summer time
        // 1986–1991) go through the calendar.
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        guard seconds >= 694_224_000 else { return calendarDateTime(date) }
        let local = seconds + 8 * 3600
        let (days, secondOfDay) = local.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay % 3600 / 60, 2)
    }

    static func calendarDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return pad(parts.year ?? 0, 4) + "-" + pad(parts.month ?? 0, 2) + "-" + pad(parts.day ?? 0, 2) + " "
            + pad(parts.hour ?? 0, 2) + ":" + pad(parts.minute ?? 0, 2)
    }

    /// Year, month and day of a day count from 1970-01-01 in the proleptic Gregorian calendar
    /// (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension DisplayFormat {
    /// 1,200.5 — amounts in 万元 with thousands separators (S2).
    static func wan(_ value: Decimal) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.maximumFractionDigits = 2
        return formatter.string(from: value as NSDecimalNumber) ?? "\(value)"
    }
}
