"""Quality inspection in a real browser at phone width (issue 14 §2, R2.2, R6.5): the supervisor samples
records, scores one (a score off the scale is refused at its field, what was typed kept), and the
specialist it concerns disputes it with a reason."""
from selenium.webdriver.common.by import By

from test_contracts import click, submit
from test_sign_in import shot, sign_in, wait_for


def test_sample_score_and_dispute_at_390(browser, base_url):
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/inspections")
    wait_for(browser, lambda d: d.find_elements(By.ID, "sample-form"), "no sampling form")
    browser.execute_script("document.getElementById('periodStart').value = '2025-12-01';"
                           "document.getElementById('periodEnd').value = '2026-12-31';")
    per_person = browser.find_element(By.ID, "perPerson")
    per_person.clear()
    per_person.send_keys("1")
    submit(browser, "sample-form")
    link = browser.find_element(By.CSS_SELECTOR, "#inspections tbody tr a[href^='/inspections/']")
    row = link.find_element(By.XPATH, "./ancestor::tr").text
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "the page is wider than the phone"
    shot(browser, "inspection-list-390")
    inspection_url = link.get_attribute("href")
    browser.get(inspection_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "score-form"), "no score form")
    assert browser.find_element(By.ID, "record-content").text.strip() not in ("", "—")
    for code, value in [("polite", "90"), ("clear", "150"), ("accurate", "100"), ("complete", "60"), ("proactive", "70")]:
        browser.find_element(By.ID, "score_" + code).send_keys(value)
    browser.find_element(By.ID, "comment").send_keys("开场问候规范")
    submit(browser, "score-form")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#score-form .field-error"), "a score of 150 was accepted")
    assert browser.find_element(By.ID, "score_clear").get_attribute("value") == "150"
    assert browser.find_element(By.ID, "comment").get_attribute("value") == "开场问候规范"
    clear = browser.find_element(By.ID, "score_clear")
    clear.clear()
    clear.send_keys("80")
    submit(browser, "score-form")
    wait_for(browser, lambda d: d.find_element(By.ID, "total-score").text == "81.5", "the score was not saved")
    shot(browser, "inspection-scored-390")
    person = row.split()[0]
    usernames = {"李娜": "lina", "张伟": "zhangwei", "陈晓梅": "chenxiaomei", "刘洋": "liuyang", "杨帆": "yangfan"}
    if person not in usernames:
        return
    browser.delete_all_cookies()
    sign_in(browser, base_url, usernames[person])
    browser.get(inspection_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "dispute-form"), "no dispute form for the person")
    browser.find_element(By.ID, "reason").send_keys("客户资料在另一条记录中已补全。")
    submit(browser, "dispute-form")
    wait_for(browser, lambda d: "申诉中" in d.find_element(By.ID, "inspection-status").text, "the dispute was not saved")
