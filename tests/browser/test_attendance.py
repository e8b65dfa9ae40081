"""Attendance in the browser (issue 15 §1, R6.1): a specialist clocks in and asks for leave on 我的考勤, a
refused correction keeps what was typed, and the supervisor finds the request in the team sheet's queue."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_sign_in import shot, sign_in, wait_for


def test_clock_in_leave_and_the_supervisors_queue(browser, base_url):
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/attendance")
    assert browser.find_element(By.TAG_NAME, "h1").text == "我的考勤"
    browser.find_element(By.ID, "address").send_keys("公司")
    browser.find_element(By.ID, "clock-in").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "last-clock"), "the clock-in shows")
    assert "上班" in browser.find_element(By.ID, "last-clock").text

    browser.execute_script("document.getElementById('startDay').value = '2027-01-11'; document.getElementById('endDay').value = '2027-01-12'")
    Select(browser.find_element(By.ID, "kind")).select_by_value("annual")
    browser.find_element(By.ID, "reason").send_keys("回老家探亲")
    browser.find_element(By.CSS_SELECTOR, "#leave-form button").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "leave-list") and "回老家探亲" in d.find_element(By.ID, "leave-list").text, "the request is listed")

    # A correction for a day long past is refused at its field; what was typed stays.
    browser.execute_script("document.getElementById('day').value = '2026-01-05'")
    browser.find_element(By.ID, "correctionReason").send_keys("忘记打卡")
    browser.find_element(By.CSS_SELECTOR, "#correction-form button").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#correction-form .field-error"), "the refusal shows at the field")
    assert "已超过补卡期限" in browser.find_element(By.CSS_SELECTOR, "#correction-form .field-error").text
    assert browser.find_element(By.ID, "correctionReason").get_attribute("value") == "忘记打卡"
    shot(browser, "attendance-mine")

    browser.delete_all_cookies()
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/attendance/team")
    approvals = browser.find_element(By.ID, "approvals").text
    assert "李娜" in approvals and "回老家探亲" in approvals
    assert "李娜" in browser.find_element(By.ID, "sheet").text
    shot(browser, "attendance-team")
