"""Issue 13 §6–7 on a phone-sized window: a specialist files a customer's feedback about a project, forwards it
to a department (a past due date refused at the field, what was typed kept) and records a return visit due
for one of their partners — a visit without a result refused, then recorded with a problem that opens a
complaint in the same step."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contracts import click, submit
from test_sign_in import shot, sign_in, wait_for


def test_feedback_filed_and_return_visit_recorded_on_a_phone(browser, base_url):
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "lina")

    # A return visit due (the demo's scan opened them; some overdue), on the workbench and the list.
    browser.get(base_url + "/")
    assert browser.find_elements(By.ID, "workbench-return-visits"), "overdue visits on the workbench"
    browser.get(base_url + "/return-visits")
    links = browser.find_elements(By.CSS_SELECTOR, "#return-visit-list a[href^='/return-visits/']")
    assert links, browser.find_element(By.ID, "return-visit-list").text[:1000]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling"
    shot(browser, "return-visits-phone")
    links[0].click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "visit-form"), "no visit form")
    customer = browser.find_element(By.CSS_SELECTOR, "p.muted a[href^='/customers/']").get_attribute("href").split("/customers/")[1]
    browser.find_element(By.ID, "notes").send_keys("客户说厂房运行正常")
    submit(browser, "visit-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "satisfaction-error"), "a visit without a result was accepted")
    assert browser.find_element(By.ID, "notes").get_attribute("value") == "客户说厂房运行正常", "what was typed is kept"
    Select(browser.find_element(By.ID, "satisfaction")).select_by_value("3")
    Select(browser.find_element(By.ID, "cooperation")).select_by_value("normal")
    browser.find_element(By.ID, "problem0").send_keys("承诺的配套道路仍未完工")
    Select(browser.find_element(By.ID, "route0")).select_by_value("complaint")
    submit(browser, "visit-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "visit-problems"), "the visit was not recorded")
    assert "3/5" in browser.find_element(By.ID, "visit-satisfaction").text
    assert "TS-" in browser.find_element(By.ID, "visit-problems").text, "the problem opened a complaint"
    shot(browser, "return-visit-done-phone")

    # Feedback about a project for the same customer.
    browser.get(base_url + f"/feedback/new?customer={customer}")
    assert browser.find_elements(By.ID, "chosen-customer"), "the customer is chosen"
    Select(browser.find_element(By.ID, "kind")).select_by_value("suggestion")
    Select(browser.find_element(By.ID, "topic")).select_by_value("project")
    Select(browser.find_element(By.ID, "projectID")).select_by_index(1)
    browser.find_element(By.ID, "content").send_keys("建议项目资料增加员工宿舍和班车信息")
    click(browser, browser.find_element(By.ID, "save-feedback"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "feedback-state"), "no feedback page")
    assert browser.find_element(By.CSS_SELECTOR, "h1 code").text.startswith("YJ-")
    Select(browser.find_element(By.ID, "departmentID")).select_by_visible_text("招商部")
    browser.find_element(By.ID, "dueAt").send_keys("2020-01-01 10:00")
    browser.find_element(By.ID, "request").send_keys("请补充项目配套资料并答复客户")
    submit(browser, "forward-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "dueAt-error"), "a due date in the past was accepted")
    assert browser.find_element(By.ID, "request").get_attribute("value") == "请补充项目配套资料并答复客户"
    due = browser.find_element(By.ID, "dueAt")
    due.clear()
    due.send_keys("2099-12-31 17:00")
    submit(browser, "forward-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "feedback-department") and "招商部" in d.find_element(By.ID, "feedback-department").text,
             "not forwarded")
    assert browser.find_elements(By.ID, "chase-form"), "the specialist may chase the department"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling"
    shot(browser, "feedback-phone")
