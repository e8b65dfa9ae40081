"""Discipline and penalties in a real browser (issue 15 §2–4, R6.2, R7.2): the supervisor records a violation
and confirms it, imposes a penalty citing it; the specialist appeals on a phone-sized window (an empty reason
is refused at its field); the supervisor decides the appeal. The monthly shortlist shows its reasons."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contracts import submit
from test_sign_in import shot, sign_in, wait_for


def test_violation_penalty_appeal_and_decision(browser, base_url):
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/conduct")
    wait_for(browser, lambda d: d.find_elements(By.ID, "new-violation"), "no way to record a violation")
    browser.find_element(By.ID, "new-violation").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "violation-form"), "no violation form")
    Select(browser.find_element(By.ID, "staffID")).select_by_visible_text("杨帆")
    Select(browser.find_element(By.ID, "type")).select_by_value("leaving_post")
    submit(browser, "violation-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "occurredAt-error"), "a violation without a time was accepted")
    assert Select(browser.find_element(By.ID, "staffID")).first_selected_option.text == "杨帆", "the person chosen was lost"
    browser.execute_script("document.getElementById('occurredAt').value = '2026-11-02T14:10';")
    browser.find_element(By.ID, "description").send_keys("14:10–14:50 离开座席，两通来电未接听，未报备。")
    submit(browser, "violation-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "outcome-form"), "the violation was not recorded")
    Select(browser.find_element(By.ID, "outcome")).select_by_value("confirmed")
    browser.find_element(By.ID, "note").send_keys("未报备离岗属实。")
    submit(browser, "outcome-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "penalize"), "no way to penalize a confirmed violation")
    browser.find_element(By.ID, "penalize").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "penalty-form"), "no penalty form")
    assert Select(browser.find_element(By.ID, "causeType")).first_selected_option.get_attribute("value") == "violation"
    Select(browser.find_element(By.ID, "kind")).select_by_value("warning")
    browser.find_element(By.ID, "reason").send_keys("擅离岗位40分钟，给予警告。")
    submit(browser, "penalty-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "penalty-cause"), "the penalty was not imposed")
    assert "违纪记录 WJ-" in browser.find_element(By.ID, "penalty-cause").text, "the cause is named by its record number"
    penalty_url = browser.current_url

    browser.delete_all_cookies()
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "yangfan")
    browser.get(base_url + "/notifications")
    assert "您收到一项处罚" in browser.find_element(By.TAG_NAME, "main").text, "the person was not notified"
    browser.get(penalty_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "appeal-form"), "no appeal form for the person")
    submit(browser, "appeal-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "reason-error"), "an empty appeal was accepted")
    browser.find_element(By.ID, "reason").send_keys("当天家中有急事，已事后向主管说明，请求撤销警告。")
    submit(browser, "appeal-form")
    wait_for(browser, lambda d: "申诉中" in d.find_element(By.ID, "penalty-status").text, "the appeal was not saved")
    assert not browser.find_elements(By.ID, "appeal-form"), "a second appeal is offered"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "the page is wider than the phone"
    shot(browser, "conduct-appealed-390")

    browser.delete_all_cookies()
    browser.set_window_size(1280, 900)
    sign_in(browser, base_url, "wangjing")
    browser.get(penalty_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "decision-form"), "no decision form for the supervisor")
    Select(browser.find_element(By.ID, "decision")).select_by_value("upheld")
    browser.find_element(By.ID, "note").send_keys("离岗未报备违反值班制度，维持警告。")
    submit(browser, "decision-form")
    wait_for(browser, lambda d: "维持处罚" in d.find_element(By.ID, "penalty-status").text, "the decision was not saved")
    assert "维持警告" in browser.find_element(By.ID, "decision-note").text
    shot(browser, "conduct-decided-1280")

    browser.get(base_url + "/conduct/awards/shortlist")
    wait_for(browser, lambda d: d.find_elements(By.ID, "shortlist"), "no shortlist")
    shot(browser, "conduct-shortlist-1280")
