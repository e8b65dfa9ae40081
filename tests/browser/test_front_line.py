"""The front line in a real browser (issue 4): the public form, an inquiry taken during a call and
answered later, and a recommendation with the customer's reaction."""
import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_sign_in import shot, sign_in, wait_for


def test_the_public_form_needs_consent_then_gives_a_number(browser, base_url):
    browser.get(base_url + "/inquire")
    browser.find_element(By.ID, "name").send_keys("陈先生")
    browser.find_element(By.ID, "mobile").send_keys("139 1234 5678")
    browser.find_element(By.ID, "question").send_keys("软件园办公室有没有两年免租？")
    Select(browser.find_element(By.ID, "intent")).select_by_value("technology")
    browser.find_element(By.CSS_SELECTOR, "#public-inquiry-form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "consent-error"), "no consent message")
    assert browser.find_element(By.ID, "question").get_attribute("value") == "软件园办公室有没有两年免租？", "what was typed is kept"
    assert not browser.find_element(By.ID, "website").is_displayed(), "the honeypot is out of sight"
    browser.find_element(By.ID, "consent").click()
    browser.find_element(By.CSS_SELECTOR, "#public-inquiry-form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "inquiry-number"), "no inquiry number")
    assert browser.find_element(By.ID, "inquiry-number").text.startswith("ZX-2026-")
    shot(browser, "public-inquiry")


def test_an_inquiry_promised_during_a_call_is_answered_later(browser, base_url):
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/inquiries/new?q=" + "有限公司")
    browser.find_element(By.CSS_SELECTOR, ".matches button").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "chosen-customer"), "the customer was not chosen")
    browser.find_element(By.ID, "question").send_keys("电力增容费用多少？")
    browser.find_element(By.ID, "outcome-promised").click()
    browser.find_element(By.ID, "save-inquiry").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "promisedBy-error"), "a promise without a deadline was accepted")
    # A month ahead: deadlines more than five years out are refused as implausible (issue 17).
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT10:00")
    browser.execute_script("document.getElementById('promisedBy').value = arguments[0]", deadline)
    browser.find_element(By.ID, "save-inquiry").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "reply-form"), "no inquiry page after saving")
    assert "待答复" in browser.page_source
    shot(browser, "inquiry-promised")
    browser.find_element(By.ID, "reply").send_keys("增容费按每千伏安 200 元计，已发报价单。")
    browser.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
    wait_for(browser, lambda d: "已答复" in d.page_source and not d.find_elements(By.ID, "reply-form"), "the reply did not close it")
    # Answered: the satisfaction survey's link with the text to send by WeChat, SMS or e-mail (issue 13 §5).
    browser.find_element(By.ID, "issue-survey").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "survey-text"), "no survey text to copy after the answer")
    assert "您咨询的问题（ZX-" in browser.find_element(By.ID, "survey-text").get_attribute("value")
    assert "/survey/" in browser.find_element(By.ID, "survey-link").get_attribute("href")
    shot(browser, "inquiry-survey")


def test_a_recommendation_and_the_customers_reaction(browser, base_url):
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/follow-ups?view=open&scope=mine")
    link = browser.find_element(By.CSS_SELECTOR, "#follow-up-list a[href^='/customers/']").get_attribute("href")
    customer = link.split("/customers/")[1].split("/")[0]
    browser.get(base_url + f"/customers/{customer}/recommendations")
    first = browser.find_element(By.CSS_SELECTOR, ".ranked")
    assert first.find_elements(By.CSS_SELECTOR, ".score-parts li"), "the score is explained"
    first.find_element(By.TAG_NAME, "summary").click()
    first.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "推荐已记录" in d.page_source, "the recommendation was not recorded")
    shot(browser, "recommendations")
    form = browser.find_element(By.CSS_SELECTOR, ".reaction-form")
    Select(form.find_element(By.NAME, "reaction")).select_by_value("not_interested")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "客户不感兴趣时请填写原因" in d.page_source, "a rejection without a reason was accepted")
    form = browser.find_element(By.CSS_SELECTOR, ".reaction-form")
    Select(form.find_element(By.NAME, "reaction")).select_by_value("not_interested")
    form.find_element(By.NAME, "reason").send_keys("回报周期太长")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "客户反馈已记录" in d.page_source, "the reaction was not recorded")
    assert "回报周期太长" in browser.page_source
