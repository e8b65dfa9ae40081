"""Timeline entries and notifications are stored as keys and arguments and read in either language (issue 9 §7)."""
import os

from selenium.webdriver.common.by import By

from test_sign_in import sign_in, wait_for, page_language

SHOTS = os.environ.get("KEFU_SCREENSHOTS")


def shot(browser, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        browser.save_screenshot(os.path.join(SHOTS, name + ".png"))


def switch_language(browser, base_url, language):
    browser.get(base_url + "/")
    browser.find_element(By.ID, "user-menu").click()
    browser.find_element(By.CSS_SELECTOR, f"#language option[value='{language}']").click()
    browser.find_element(By.ID, "save-language").click()
    wait_for(browser, lambda d: page_language(d) == language, "the page did not switch language")


def test_timeline_and_notifications_in_both_languages(browser, base_url):
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/customers")
    link = browser.find_element(By.CSS_SELECTOR, "table a[href^='/customers/']").get_attribute("href")
    for language in ("zh-Hans", "en"):
        switch_language(browser, base_url, language)
        browser.get(link)
        timeline = browser.find_element(By.ID, "timeline").text
        assert timeline.strip(), "the file shows its timeline"
        assert "timeline.message." not in timeline and "{" not in timeline, "every entry's key and arguments in words"
        shot(browser, f"timeline-{language}")
        browser.get(base_url + "/notifications")
        page = browser.find_element(By.TAG_NAME, "main").text
        assert "reminder.title." not in page and "{" not in page
        shot(browser, f"notifications-{language}")
    switch_language(browser, base_url, "zh-Hans")
