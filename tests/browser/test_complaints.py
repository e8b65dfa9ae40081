"""A complaint through its whole flow on a phone-sized window (issue 13): filed by the specialist with
the apology script shown, forwarded to the 工程管理部 with a due time (a past one refused at the field,
what was typed kept), answered by that department's liaison in their inbox, the customer told the
outcome and accepting it, and closed; then the satisfaction survey's link is created with its text to copy
and answered by the customer without signing in, once (issue 13 §5)."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contracts import click, submit
from test_sign_in import shot, sign_in, wait_for


def test_complaint_filed_forwarded_answered_told_and_closed_on_a_phone(browser, base_url):
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/follow-ups?view=open&scope=mine")
    link = browser.find_element(By.CSS_SELECTOR, "#follow-up-list a[href^='/customers/']").get_attribute("href")
    customer = link.split("/customers/")[1].split("/")[0].split("?")[0]
    browser.get(base_url + f"/complaints/new?customer={customer}")
    assert browser.find_elements(By.ID, "chosen-customer"), "the customer is chosen"
    assert "非常抱歉" in browser.find_element(By.ID, "apology-script").text
    Select(browser.find_element(By.ID, "category")).select_by_value("property_site")
    Select(browser.find_element(By.ID, "severity")).select_by_value("major")
    browser.find_element(By.ID, "description").send_keys("厂房周边施工垃圾三周未清运，影响设备进场。")
    browser.find_element(By.ID, "demands").send_keys("本周内清运")
    browser.find_element(By.NAME, "acknowledged").click()
    browser.find_element(By.NAME, "apologised").click()
    click(browser, browser.find_element(By.ID, "save-complaint"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "complaint-state"), "no complaint page")
    number = browser.find_element(By.CSS_SELECTOR, "h1 code").text
    assert number.startswith("TS-")
    assert browser.find_elements(By.ID, "deadlines")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling"
    shot(browser, "complaint-phone")

    complaint_url = browser.current_url
    Select(browser.find_element(By.ID, "departmentID")).select_by_visible_text("工程管理部")
    browser.find_element(By.ID, "dueAt").send_keys("2020-01-01 10:00")
    browser.find_element(By.ID, "request").send_keys("请督促物业本周清运垃圾并回复")
    submit(browser, "forward-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "dueAt-error"), "a due time in the past was accepted")
    assert "办理期限必须晚于现在" in browser.page_source
    assert browser.find_element(By.ID, "request").get_attribute("value") == "请督促物业本周清运垃圾并回复", "what was typed is kept"
    due = browser.find_element(By.ID, "dueAt")
    due.clear()
    due.send_keys("2099-12-31 17:00")
    submit(browser, "forward-form")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#forwards table") and "请督促物业" in d.find_element(By.CSS_SELECTOR, "#forwards table").text,
             "not forwarded")

    browser.delete_all_cookies()
    sign_in(browser, base_url, "zhenghao")
    browser.get(base_url + "/complaint-inbox")
    items = [e for e in browser.find_elements(By.CSS_SELECTOR, ".inbox-item") if number in e.text]
    assert items, browser.find_element(By.ID, "inbox").text[:2000]
    item = items[0]
    item.find_element(By.NAME, "answer").send_keys("已责令物业两日内清运完毕。")
    click(browser, item.find_element(By.CSS_SELECTOR, ".answer-submit"))
    wait_for(browser, lambda d: "已回复" in d.page_source, "the answer was not recorded")

    browser.delete_all_cookies()
    sign_in(browser, base_url, "lina")
    browser.get(complaint_url)
    Select(browser.find_element(By.ID, "step")).select_by_value("close")
    submit(browser, "step-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "state-error"), "closing without telling the customer was accepted")
    assert "尚未告知客户处理结果" in browser.page_source
    Select(browser.find_element(By.ID, "kind")).select_by_value("outcome")
    Select(browser.find_element(By.ID, "customerAccepts")).select_by_value("yes")
    browser.find_element(By.ID, "content").send_keys("垃圾已清运，物业已致歉。")
    submit(browser, "update-form")
    wait_for(browser, lambda d: "已告知结果" in d.find_element(By.ID, "complaint-state").text, "the outcome was not recorded")
    Select(browser.find_element(By.ID, "step")).select_by_value("close")
    submit(browser, "step-form")
    wait_for(browser, lambda d: "已关闭" in d.find_element(By.ID, "complaint-state").text, "not closed")
    shot(browser, "complaint-closed-phone")

    click(browser, browser.find_element(By.ID, "issue-survey"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "survey-text"), "no survey text to copy")
    assert number in browser.find_element(By.ID, "survey-text").get_attribute("value")
    survey = browser.find_element(By.ID, "survey-link").get_attribute("href")
    browser.delete_all_cookies()
    browser.get(survey)
    assert browser.find_elements(By.ID, "survey-form"), "the survey opens without signing in"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling"
    browser.find_element(By.CSS_SELECTOR, "input[name=score][value='5']").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=resolved][value='yes']").click()
    browser.find_element(By.ID, "comment").send_keys("处理很及时，谢谢")
    submit(browser, "survey-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "survey-thanks"), "the answer was not taken")
    shot(browser, "survey-answered-phone")
    browser.get(survey)
    assert browser.find_elements(By.ID, "survey-state") and not browser.find_elements(By.ID, "survey-form"), "a link works once"
