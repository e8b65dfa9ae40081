"""The supervisor's dashboard in a real browser (issue 16): the supervisor and leadership open /reports on the
demo department, every chart rendered as an SVG with linked marks, no console errors; at 390 px no chart is wider
than the page; a mark leads to the records behind it; a reversed period is refused at the field."""
from selenium.webdriver.common.by import By

import re

from test_sign_in import shot, sign_in, wait_for
from test_stored_texts import switch_language

CHARTS = ["funnel", "period-comparison", "inquiries-by-channel", "inquiries-by-weekday", "inquiries-by-hour", "response-times",
          "replies-on-time", "follow-ups-on-time", "complaints-by-category", "complaints-by-severity", "complaints-by-department",
          "overdue-by-person", "conversion-by-month", "satisfaction-trend"]
STEPS = ["inquiry-first-answer", "promise-reply", "intent-signed", "complaint-first-response", "complaint-resolution", "forward-answer"]


def console_errors(browser):
    try:
        return [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
    except Exception:  # a driver without logs
        return []


def test_dashboard_draws_every_chart_for_supervisor_and_leadership(browser, base_url):
    for username in ["wangjing", "zhaoguoqiang"]:
        browser.delete_all_cookies()
        sign_in(browser, base_url, username)
        browser.set_window_size(1366, 900)
        browser.get(base_url + "/reports?from=2026-01-01&to=2026-12-31")
        wait_for(browser, lambda d: d.find_elements(By.ID, "chart-funnel"), "no dashboard: " + browser.page_source[-2000:])
        for chart in CHARTS:
            svgs = browser.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg.chart")
            assert len(svgs) == 1, chart
            assert svgs[0].size["width"] > 100, chart
        assert browser.find_elements(By.CSS_SELECTOR, "#chart-funnel svg a[href^='/customers?stage=']"), "funnel marks link to customers"
        assert not console_errors(browser), console_errors(browser)
        shot(browser, f"reports-{username}-1366")
        browser.set_window_size(390, 844)
        browser.get(base_url + "/reports?from=2026-01-01&to=2026-12-31")
        width = browser.execute_script("return document.documentElement.clientWidth")
        for svg in browser.find_elements(By.CSS_SELECTOR, "svg.chart"):
            assert svg.size["width"] <= width, "a chart is wider than the phone's page"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
        shot(browser, f"reports-{username}-390")
    browser.set_window_size(1366, 900)
    mark = browser.find_element(By.CSS_SELECTOR, "#chart-funnel svg a")
    target = mark.get_dom_attribute("href")  # an SVG link's href as written: relative
    browser.get(target if target.startswith("http") else base_url + target)
    wait_for(browser, lambda d: "/customers" in d.current_url, "the mark did not lead to the customers")
    browser.get(base_url + "/reports?from=2026-12-01&to=2026-11-01")
    wait_for(browser, lambda d: d.find_elements(By.ID, "to-error"), "a reversed period was accepted")
    assert "结束日期不能早于开始日期" in browser.find_element(By.ID, "to-error").text
    assert browser.find_element(By.ID, "from").get_attribute("value") == "2026-12-01"


def test_step_times_draw_every_step(browser, base_url):
    """R1.4: the step-times page draws one SVG per step with linked months, in both widths; a month leads to its records."""
    sign_in(browser, base_url, "wangjing")
    for width in [1366, 390]:
        browser.set_window_size(width, 900)
        browser.get(base_url + "/reports/step-times")
        wait_for(browser, lambda d: d.find_elements(By.ID, "chart-step-inquiry-first-answer"), "no step times: " + browser.page_source[-2000:])
        for step in STEPS:
            svgs = browser.find_elements(By.CSS_SELECTOR, f"#chart-step-{step} svg.chart")
            assert len(svgs) == 1, step
        page = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= page + 1
        assert not console_errors(browser), console_errors(browser)
        shot(browser, f"step-times-{width}")
    link = browser.find_element(By.CSS_SELECTOR, "#chart-step-inquiry-first-answer table a")
    browser.get(link.get_attribute("href"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "report-records"), "the month did not lead to its records")


def test_needs_analysis_draws_every_dimension(browser, base_url):
    """R2.2: the needs analysis draws one SVG per dimension with the rises and falls in words, for leadership too."""
    sign_in(browser, base_url, "zhaoguoqiang")
    for width in [1366, 390]:
        browser.set_window_size(width, 900)
        browser.get(base_url + "/reports/needs?from=2026-01-01&to=2026-12-31")
        wait_for(browser, lambda d: d.find_elements(By.ID, "chart-needs-industry"), "no needs analysis: " + browser.page_source[-2000:])
        for dimension in ["industry", "region", "budget", "timing", "project-type", "rejection-reason"]:
            assert len(browser.find_elements(By.CSS_SELECTOR, f"#chart-needs-{dimension} svg.chart")) == 1, dimension
            assert browser.find_element(By.CSS_SELECTOR, f"#chart-needs-{dimension} .report-summary").text.strip(), dimension
        page = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= page + 1
        assert not console_errors(browser), console_errors(browser)
        shot(browser, f"needs-{width}")
    browser.get(base_url + "/reports/needs?from=2026-12-01&to=2026-11-01")
    wait_for(browser, lambda d: d.find_elements(By.ID, "to-error"), "a reversed period was accepted")


def test_leadership_dashboard_draws_every_chart(browser, base_url):
    """Leadership's dashboard: one SVG per chart at both widths, no console errors, a bar leads to its contracts."""
    sign_in(browser, base_url, "zhaoguoqiang")
    for width in [1366, 390]:
        browser.set_window_size(width, 900)
        browser.get(base_url + "/reports/leadership?from=2026-01-01&to=2026-12-31")
        wait_for(browser, lambda d: d.find_elements(By.ID, "chart-department"), "no leadership dashboard: " + browser.page_source[-2000:])
        for chart in ["department", "contracts-by-month", "contracts-by-project", "partner-satisfaction"]:
            assert len(browser.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg.chart")) == 1, chart
        page = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= page + 1
        assert not console_errors(browser), console_errors(browser)
        shot(browser, f"leadership-{width}")
    link = browser.find_element(By.CSS_SELECTOR, "#chart-contracts-by-month table a")
    browser.get(link.get_attribute("href"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "report-records"), "the month did not lead to its contracts")


MONTHLY_CHARTS = CHARTS + ["contracts-by-project"]


def test_monthly_report_issued_and_draft(browser, base_url):
    """Issue 16 §6: last month's issued report and this month's draft draw an SVG per chart for the supervisor and
    leadership, with no console errors; the draft's form is the supervisor's only; printed (A4 media), the form and
    the navigation are gone and the sections are there."""
    for username in ["wangjing", "zhaoguoqiang"]:
        browser.delete_all_cookies()
        sign_in(browser, base_url, username)
        browser.set_window_size(1366, 900)
        browser.get(base_url + "/reports/monthly")
        wait_for(browser, lambda d: d.find_elements(By.ID, "monthly-reports"), "no monthly reports: " + browser.page_source[-2000:])
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#monthly-reports tbody a")]
        assert len(links) == 2, links
        assert bool(browser.find_elements(By.ID, "monthly-report-form")) == (username == "wangjing")
        for link in links:
            browser.get(link)
            wait_for(browser, lambda d: d.find_elements(By.ID, "monthly-report"), "no report: " + browser.page_source[-2000:])
            for chart in MONTHLY_CHARTS:
                assert len(browser.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg.chart")) == 1, chart
            state = browser.find_element(By.ID, "report-state").text
            has_form = bool(browser.find_elements(By.ID, "report-sections-form"))
            assert has_form == (username == "wangjing" and state == "草稿"), (username, state)
            assert not console_errors(browser), console_errors(browser)
            shot(browser, f"monthly-{username}-{'draft' if state == '草稿' else 'issued'}")
            if state == "已签发":
                assert "物业" in browser.find_element(By.ID, "report-sections").text
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for nav in browser.find_elements(By.CSS_SELECTOR, ".sidenav, .topbar"):
            assert not nav.is_displayed(), "navigation printed"
        assert browser.find_element(By.ID, "report-sections").is_displayed()
        shot(browser, "monthly-print")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.set_window_size(390, 844)
    browser.get(links[0])
    wait_for(browser, lambda d: d.find_elements(By.ID, "monthly-report"), "no report at phone width")
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
    shot(browser, "monthly-390")


def test_specialist_sees_only_own_figures(browser, base_url):
    """Issue 16 §2: a specialist's dashboard is their own; asking for the team's is refused; an unknown channel is a message."""
    browser.delete_all_cookies()
    sign_in(browser, base_url, "lina")
    browser.set_window_size(1366, 900)
    browser.get(base_url + "/reports?from=2026-01-01&to=2026-12-31")
    wait_for(browser, lambda d: d.find_elements(By.ID, "own-figures"), "no own dashboard: " + browser.page_source[-2000:])
    for chart in CHARTS:
        assert len(browser.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg.chart")) == 1, chart
    assert not browser.find_elements(By.ID, "staff")
    assert not console_errors(browser), console_errors(browser)
    shot(browser, "reports-specialist")
    browser.get(base_url + "/reports?staff=all")
    wait_for(browser, lambda d: not d.find_elements(By.ID, "chart-funnel"), "the team's figures were shown to a specialist")
    browser.get(base_url + "/reports?channel=pigeon")
    wait_for(browser, lambda d: d.find_elements(By.ID, "channel-error"), "an unknown channel was accepted")


def test_records_behind_a_bar_for_a_specialist_in_english_at_phone_width(browser, base_url):
    """Issue 16 §2: a specialist follows a bar of their own dashboard to the records behind it, in English and at
    phone width: only their own records, a page at a time (the pager walks every page and the rows add up to the
    bar's total), the title in English words with no key or Chinese punctuation showing."""
    browser.delete_all_cookies()
    sign_in(browser, base_url, "lina")
    switch_language(browser, base_url, "en")
    try:
        browser.set_window_size(390, 844)
        browser.get(base_url + "/reports?from=2026-01-01&to=2026-12-31")
        wait_for(browser, lambda d: d.find_elements(By.ID, "own-figures"), "no own dashboard: " + browser.page_source[-2000:])
        mark = browser.find_element(By.CSS_SELECTOR, "#chart-inquiries-by-channel svg a")
        tooltip = mark.find_element(By.TAG_NAME, "title").get_attribute("textContent")
        assert "：" not in tooltip and ": " in tooltip, tooltip
        target = mark.get_dom_attribute("href")
        browser.get((target if target.startswith("http") else base_url + target) + "&perPage=5")
        wait_for(browser, lambda d: d.find_elements(By.ID, "report-records"), "the bar did not lead to its records")
        title = browser.find_element(By.TAG_NAME, "h1").text
        assert "report." not in title and "：" not in title and not re.search(r"[\u4e00-\u9fff]", title), title
        total = int(re.search(r"(\d+)\s*$", browser.find_element(By.CSS_SELECTOR, ".page-header .muted").text).group(1))
        assert total > 5, "too few records to page through"
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
        shot(browser, "report-records-specialist-en-390")
        seen = []
        while True:
            rows = browser.find_elements(By.CSS_SELECTOR, "#report-records tbody tr")
            assert 1 <= len(rows) <= 5
            for row in rows:
                cells = row.find_elements(By.TAG_NAME, "td")
                assert cells[2].text == "李娜", "another person's record on a specialist's list"
                seen.append(cells[0].text)
            following = browser.find_elements(By.CSS_SELECTOR, ".pager a[rel='next']")
            if not following:
                break
            following[0].click()
            wait_for(browser, lambda d: d.find_elements(By.ID, "report-records"), "no next page")
        assert len(seen) == total and len(set(seen)) == total, (len(seen), total)
        assert not console_errors(browser), console_errors(browser)
    finally:
        switch_language(browser, base_url, "zh-Hans")
