"""A contract from draft to signed in a real browser (issue 12): refusals shown at the field with what
was typed kept, every document received, every clause explained and confirmed, the 法务部's approval,
and the signing that makes the customer a signed customer."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_sign_in import shot, sign_in, wait_for


def click(browser, button):
    """Clicks and waits for the next page: the old page's root goes stale once it is replaced."""
    old = browser.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(driver):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return driver.execute_script("return document.readyState") == "complete"
        except WebDriverException:
            return False

    WebDriverWait(browser, 10).until(replaced)


def submit(browser, form_id):
    click(browser, browser.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]"))


def sign_out(browser, base_url):
    browser.delete_all_cookies()


def test_one_contract_from_draft_to_signed(browser, base_url):
    sign_in(browser, base_url, "lina")
    browser.get(base_url + "/follow-ups?view=open&scope=mine")
    link = browser.find_element(By.CSS_SELECTOR, "#follow-up-list a[href^='/customers/']").get_attribute("href")
    customer = link.split("/customers/")[1].split("/")[0]
    browser.get(base_url + f"/customers/{customer}")
    browser.find_element(By.ID, "customer-new-contract").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "contract-form"), "no contract form")
    browser.find_element(By.ID, "title").send_keys("张江科技园研发楼租赁合同")
    Select(browser.find_element(By.ID, "type")).select_by_value("lease")
    browser.find_element(By.ID, "amountWan").send_keys("360")
    labels = browser.find_elements(By.NAME, "planLabel[]")
    amounts = browser.find_elements(By.NAME, "planAmount[]")
    labels[0].send_keys("押金")
    amounts[0].send_keys("60")
    labels[1].send_keys("首年租金")
    amounts[1].send_keys("290")
    submit(browser, "contract-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "paymentPlan-error"), "a plan that does not add up was accepted")
    assert "付款计划各期合计须等于合同金额" in browser.page_source
    assert browser.find_element(By.ID, "title").get_attribute("value") == "张江科技园研发楼租赁合同", "what was typed is kept"
    amounts = browser.find_elements(By.NAME, "planAmount[]")
    amounts[1].clear()
    amounts[1].send_keys("300")
    submit(browser, "contract-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "contract-state"), "no contract page")
    assert "草稿" in browser.find_element(By.ID, "contract-state").text
    contract_url = browser.current_url

    # Documents complete is refused while documents are missing, naming them.
    submit(browser, "move-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "move-error"), "documents complete was allowed with documents missing")
    assert "营业执照" in browser.find_element(By.ID, "move-error").text
    while True:
        forms = [f for f in browser.find_elements(By.CSS_SELECTOR, ".checklist-form")
                 if Select(f.find_element(By.NAME, "status")).first_selected_option.get_attribute("value") != "received"]
        if not forms:
            break
        Select(forms[0].find_element(By.NAME, "status")).select_by_value("received")
        click(browser, forms[0].find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "已保存" in browser.page_source, "the document was not saved"
    submit(browser, "move-form")
    wait_for(browser, lambda d: "资料齐全" in d.find_element(By.ID, "contract-state").text, "documents complete was refused")

    # Every clause explained, the customer's question, the confirmation.
    while browser.find_elements(By.CSS_SELECTOR, "#terms form.inline-form"):
        click(browser, browser.find_element(By.CSS_SELECTOR, "#terms form.inline-form button[type=submit]"))
        assert "已保存" in browser.page_source, "the clause was not saved"
    browser.find_element(By.ID, "question").send_keys("押金何时退还？")
    browser.find_element(By.ID, "answer").send_keys("租期届满验收后 30 日内无息退还。")
    submit(browser, "question-form")
    wait_for(browser, lambda d: "押金何时退还" in d.page_source, "the question was not recorded")
    browser.find_element(By.ID, "confirm-note").send_keys("客户当面确认")
    submit(browser, "confirm-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "terms-confirmed"), "the confirmation was not recorded")
    submit(browser, "move-form")
    wait_for(browser, lambda d: "条款已解释" in d.find_element(By.ID, "contract-state").text, "terms explained was refused")
    assert not browser.find_elements(By.ID, "sign-form"), "no signing before the legal review"
    submit(browser, "forward-form")
    wait_for(browser, lambda d: "已提交法务部审核" in d.page_source, "not forwarded")
    shot(browser, "contract-forwarded")

    # The 法务部's liaison approves.
    sign_out(browser, base_url)
    sign_in(browser, base_url, "zhoumin")
    browser.get(contract_url)
    browser.find_element(By.ID, "comment").send_keys("条款合规，同意签订。")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#review-form button[value=approve]"))
    wait_for(browser, lambda d: "法务审核通过" in d.find_element(By.ID, "contract-state").text, "the approval did not pass the review")

    # Signing: a day in the future is refused with the place kept; today signs.
    sign_out(browser, base_url)
    sign_in(browser, base_url, "lina")
    browser.get(contract_url)
    browser.execute_script("document.getElementById('signedOn').value = '2099-01-01'")
    browser.find_element(By.ID, "place").send_keys("张江科技园管委会")
    browser.find_element(By.ID, "signatories").send_keys("客户法定代表人、李娜")
    submit(browser, "sign-form")
    wait_for(browser, lambda d: d.find_elements(By.ID, "signedOn-error"), "a signing day in the future was accepted")
    assert browser.find_element(By.ID, "place").get_attribute("value") == "张江科技园管委会"
    today = browser.execute_script("const d = new Date(Date.now() + 8 * 3600 * 1000); return d.toISOString().slice(0, 10)")
    browser.execute_script(f"document.getElementById('signedOn').value = '{today}'")
    submit(browser, "sign-form")
    wait_for(browser, lambda d: "已签订" in d.find_element(By.ID, "contract-state").text, "the signing was refused")
    shot(browser, "contract-signed")
    browser.get(base_url + f"/customers/{customer}")
    assert "签约" in browser.page_source
