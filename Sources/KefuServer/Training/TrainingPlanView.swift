/// The training plan's session rows, written by Swift (see ``HTMLFragment``): each cell names its column, so a
/// phone shows a session as a card of labelled values rather than a table of eleven columns scrolled sideways.
enum TrainingPlanView {
    static func sessionRows(_ sessions: [TrainingController.PlanPage.Session], t: (String) -> String)
        -> HTMLFragment
    {
        var html = HTMLWriter(reservingCapacity: sessions.count * 900)
        let label = [
            "day", "session", "area", "method", "trainer", "hours", "cost", "state", "attended", "rating",
        ].reduce(into: [String: String]()) { $0[$1] = t("training.field.\($1)") }
        let scoreAfter = t("training.progress.score_after")
        func cell(_ column: String, _ attributes: StaticString = "") {
            html.openCell(label: label[column] ?? "", attributes)
        }
        for session in sessions {
            html.raw("<tr>")
            cell("day", " class=\"nowrap\"")
            html.element("", session.day, "</td>")
            cell("session")
            html.element("<a href=\"", SiteURL.trainingSession(session.id).path, "\">")
            html.element("", session.title, "</a></td>")
            cell("area")
            html.element("", session.areaLabel, "</td>")
            cell("method")
            html.element("", session.methodLabel, "</td>\n      ")
            cell("trainer")
            html.element("", session.trainer, "</td>")
            cell("hours", " class=\"num\"")
            html.element("", session.hours, "</td>")
            cell("cost", " class=\"num\"")
            html.element("", session.cost, "</td>")
            cell("state")
            html.element("<span class=\"tag session-", session.state, "\">")
            html.element("", session.stateLabel, "</span></td>\n      ")
            cell("attended", " class=\"num\"")
            html.element("", session.people, "</td>")
            cell("rating", " class=\"num\"")
            html.element("", session.rating, "</td>")
            html.openCell(label: scoreAfter, " class=\"num\"")
            html.element("", session.score, "</td></tr>")
        }
        return html.fragment
    }
}
