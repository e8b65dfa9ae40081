"""One assessment in a real browser (issue 14, R5.3): the supervisor opens a cycle (weights that do not
add up are refused at the field with what was typed kept), the specialist evaluates herself, the
supervisor evaluates and the score is shown with its calculation line by line, the specialist accepts
it, a decision is recorded, and leadership signs the cycle off — after which no form is offered."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contracts import click, submit
from test_sign_in import shot, sign_in, wait_for


def test_one_assessment_from_self_evaluation_to_sign_off(browser, base_url):
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/assessments")
    wait_for(browser, lambda d: d.find_elements(By.ID, "cycle-form"), "no cycle form")
    browser.find_element(By.ID, "name").send_keys("浏览器测试考核")
    browser.execute_script("document.getElementById('periodStart').value = '2026-12-01';"
                           "document.getElementById('periodEnd').value = '2026-12-31';")
    for box in browser.find_elements(By.CSS_SELECTOR, "#team input[type=checkbox]"):
        label = box.find_element(By.XPATH, "..").text
        if ("李娜" in label) != box.is_selected():
            box.click()
    weight = browser.find_element(By.ID, "weight_work_results")
    weight.clear()
    weight.send_keys("50")
    browser.find_element(By.ID, "target_inquiries_answered").send_keys("10")
    submit(browser, "cycle-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "weights-error"), "weights of 110 % were accepted")
    assert "各维度权重之和必须等于 100%" in browser.find_element(By.ID, "weights-error").text
    assert browser.find_element(By.ID, "name").get_attribute("value") == "浏览器测试考核", "what was typed is kept"
    assert browser.find_element(By.ID, "target_inquiries_answered").get_attribute("value") == "10"
    weight = browser.find_element(By.ID, "weight_work_results")
    weight.clear()
    weight.send_keys("40")
    submit(browser, "cycle-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "cycle-state"), "no cycle page")
    cycle_url = browser.current_url
    person = browser.find_element(By.CSS_SELECTOR, "#people a[href^='/assessments/']")
    assert person.text == "李娜"
    assessment_url = person.get_attribute("href")

    # 李娜 evaluates herself; a score off the scale is refused at the field.
    browser.delete_all_cookies()
    sign_in(browser, base_url, "lina")
    browser.get(assessment_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "self-form"), "no self-evaluation form: " + browser.page_source[-3000:])
    browser.find_element(By.ID, "score").send_keys("120")
    browser.find_element(By.ID, "summary").send_keys("十二月按时答复全部承诺。")
    submit(browser, "self-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "score-error"), "a self-evaluation of 120 was accepted")
    assert browser.find_element(By.ID, "summary").get_attribute("value") == "十二月按时答复全部承诺。"
    score = browser.find_element(By.ID, "score")
    score.clear()
    score.send_keys("88")
    submit(browser, "self-form")
    wait_for(browser, lambda d: "待主管评价" in d.find_element(By.ID, "assessment-state").text, "the self-evaluation was not saved")

    # The supervisor evaluates: the score and every line of its calculation.
    browser.delete_all_cookies()
    sign_in(browser, base_url, "wangjing")
    browser.get(assessment_url)
    browser.find_element(By.ID, "skillsRating").send_keys("85")
    browser.find_element(By.ID, "teamworkRating").send_keys("90")
    submit(browser, "supervisor-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "calculation"), "no calculation shown")
    lines = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#calculation li")]
    assert any(line.startswith("已答复咨询数：实际") for line in lines), lines
    assert any(line.startswith("【服务质量】") for line in lines), lines  # surveys of the demo complaints or "no data": never a zero
    assert lines[-2].startswith("总分 "), lines
    assert browser.find_element(By.ID, "total").text == lines[-2].split(" ")[1]
    shot(browser, "assessment-result")

    # 李娜 accepts with a comment.
    browser.delete_all_cookies()
    sign_in(browser, base_url, "lina")
    browser.get(assessment_url)
    browser.find_element(By.ID, "response-comment").send_keys("认可。")
    click(browser, browser.find_element(By.ID, "acknowledge"))
    wait_for(browser, lambda d: "已确认" in d.find_element(By.ID, "assessment-state").text, "the acknowledgement was not saved")

    # The supervisor records a decision with its basis.
    browser.delete_all_cookies()
    sign_in(browser, base_url, "wangjing")
    browser.get(assessment_url)
    Select(browser.find_element(By.ID, "kind")).select_by_value("certificate")
    browser.find_element(By.ID, "basis").send_keys("十二月考核结果")
    submit(browser, "decision-form")
    wait_for(browser, lambda d: "荣誉证书" in d.find_element(By.ID, "decisions").text, "the decision was not recorded")

    # Leadership signs off; the cycle is frozen.
    browser.delete_all_cookies()
    sign_in(browser, base_url, "zhaoguoqiang")
    browser.get(cycle_url)
    browser.execute_script("document.getElementById('sign-off').removeAttribute('data-confirm');")
    click(browser, browser.find_element(By.ID, "sign-off"))
    wait_for(browser, lambda d: "已签批" in d.find_element(By.ID, "cycle-state").text, "the sign-off did not happen")
    assert browser.find_elements(By.ID, "export"), "leadership can export the decisions"
    browser.delete_all_cookies()
    sign_in(browser, base_url, "wangjing")
    browser.get(assessment_url)
    assert not browser.find_elements(By.ID, "decision-form")
    assert not browser.find_elements(By.ID, "supervisor-form")
