"""Training in a real browser (issue 14 §3, R5.1, R5.2): the supervisor makes an annual plan (a negative
budget refused at its field, what was typed kept), schedules a session and enrols a trainee, submits the
plan; leadership approves it; the session is held and scored; the trainee rates it on a phone."""
import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_contracts import click, submit
from test_sign_in import page_language, shot, sign_in, wait_for


def in_chinese(browser):
    """The sign-in test leaves 王静 reading English on the shared server; these checks read Chinese."""
    browser.find_element(By.ID, "user-menu").click()
    browser.find_element(By.CSS_SELECTOR, "#language option[value='zh-Hans']").click()
    browser.find_element(By.ID, "save-language").click()
    wait_for(browser, lambda d: page_language(d) == "zh-Hans", "the page did not switch to Chinese")


def test_plan_approved_session_held_and_rated_at_390(browser, base_url):
    today = datetime.date.today()
    sign_in(browser, base_url, "wangjing")
    in_chinese(browser)
    browser.get(base_url + "/training")
    wait_for(browser, lambda d: d.find_elements(By.ID, "plan-form"), "no plan form")
    year = browser.find_element(By.ID, "year")
    year.clear()
    year.send_keys(str(today.year))
    browser.find_element(By.ID, "title").send_keys("浏览器测试培训计划")
    browser.find_element(By.ID, "goals").send_keys("提升沟通技巧")
    browser.find_element(By.CSS_SELECTOR, "#areas input[value='communication_skills']").click()
    browser.find_element(By.CSS_SELECTOR, "#methods input[value='simulation_drill']").click()
    browser.find_element(By.ID, "hours").send_keys("10")
    browser.find_element(By.ID, "budgetYuan").send_keys("-500")
    submit(browser, "plan-form")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#plan-form .field-error"), "a negative budget was accepted")
    assert "不能为负数" in browser.find_element(By.CSS_SELECTOR, "#plan-form .has-error").text
    assert browser.find_element(By.ID, "title").get_attribute("value") == "浏览器测试培训计划"
    assert browser.find_element(By.CSS_SELECTOR, "#areas input[value='communication_skills']").is_selected()
    budget = browser.find_element(By.ID, "budgetYuan")
    budget.clear()
    budget.send_keys("3000")
    submit(browser, "plan-form")
    wait_for(browser, lambda d: "/training/plans/" in d.current_url, "the plan was not created")
    plan_url = browser.current_url

    browser.find_element(By.ID, "s-title").send_keys("难缠客户沟通演练")
    browser.find_element(By.ID, "s-trainer").send_keys("王静")
    browser.execute_script(f"document.getElementById('s-day').value = '{today.isoformat()}';")
    browser.find_element(By.ID, "s-hours").send_keys("2")
    submit(browser, "session-form")
    wait_for(browser, lambda d: "/training/sessions/" in d.current_url, "the session was not scheduled")
    session_url = browser.current_url
    Select(browser.find_element(By.ID, "staffID")).select_by_visible_text("李娜")
    submit(browser, "enrol-form")
    wait_for(browser, lambda d: "李娜" in d.find_element(By.ID, "trainees").text, "李娜 was not enrolled")
    browser.get(plan_url)
    click(browser, browser.find_element(By.ID, "submit-plan"))
    wait_for(browser, lambda d: d.find_element(By.ID, "plan-state").text == "待审批", "the plan was not submitted")

    browser.delete_all_cookies()
    sign_in(browser, base_url, "zhaoguoqiang")
    browser.get(plan_url)
    browser.find_element(By.ID, "note").send_keys("同意")
    click(browser, browser.find_element(By.ID, "approve-plan"))
    wait_for(browser, lambda d: d.find_element(By.ID, "plan-state").text == "已批准", "leadership could not approve")
    shot(browser, "training-plan-approved")

    browser.delete_all_cookies()
    sign_in(browser, base_url, "wangjing")
    browser.get(session_url)
    Select(browser.find_element(By.ID, "state")).select_by_value("held")
    browser.execute_script(f"document.getElementById('heldOn').value = '{today.isoformat()}';")
    browser.find_element(By.ID, "supervisorNote").send_keys("演练投入")
    submit(browser, "outcome-form")
    wait_for(browser, lambda d: d.find_element(By.ID, "session-state").text == "已举办", "the session was not held")
    form = browser.find_element(By.CSS_SELECTOR, "form[id^='score-']")
    form_id = form.get_attribute("id")
    Select(form.find_element(By.NAME, "attended")).select_by_value("1")
    form.find_element(By.NAME, "scoreBefore").send_keys("70")
    form.find_element(By.NAME, "scoreAfter").send_keys("95")
    submit(browser, form_id)
    wait_for(browser, lambda d: "优秀学员" in d.find_element(By.ID, "trainees").text, "70 → 95 was not marked outstanding")
    browser.get(plan_url)
    row = browser.find_element(By.CSS_SELECTOR, "#sessions tbody tr").text
    assert "1 / 1" in row and "95" in row, "the plan does not show the session's figures: " + row
    shot(browser, "training-plan-figures")

    browser.delete_all_cookies()
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/training")
    wait_for(browser, lambda d: "难缠客户沟通演练" in d.find_element(By.ID, "my-sessions").text, "the trainee does not see her session")
    browser.get(session_url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "rating-form"), "no rating form for the trainee")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "the page is wider than the phone"
    submit(browser, "rating-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "rating-error"), "a rating without a score was accepted")
    browser.find_element(By.CSS_SELECTOR, "#rating-form input[name='rating'][value='5']").click()
    browser.find_element(By.ID, "comment").send_keys("很实用")
    shot(browser, "training-rate-390")
    submit(browser, "rating-form")
    wait_for(browser, lambda d: "5 / 5" in d.find_element(By.ID, "trainees").text, "the rating was not saved")
    assert not browser.find_elements(By.ID, "rating-form")
