#!/usr/bin/env python3
"""Builds Resources/Security/common-passwords.txt, the list PasswordPolicy refuses (issue 11 #5).

Two sources:
  * the 30,000 most common passwords of the Xato corpus as zxcvbn ships them (MIT licence;
    `pip install zxcvbn==4.5.0`), entries of four characters and more;
  * passwords favoured in China, built from the patterns the CSDN, Tianya and 12306 leaks are known
    for: pinyin surnames, words and brands with lucky numbers, dates and runs (wang123456, woaini1314,
    qq123456789, 5201314520 …), and a few phrases in Chinese characters.

The list is compared without case; PasswordPolicy also refuses a listed word with digits or symbols
around it, so only the words need to be here, not every suffix.
Run: python3 tools/generate_common_passwords.py > Resources/Security/common-passwords.txt
"""
from zxcvbn.frequency_lists import FREQUENCY_LISTS

SURNAMES = """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng liang xie song tang
han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lv ding ren lu yao shen zhong jiang cui tan
lu fan wang liao shi jin jia xia fu fang zou xiong bai meng qin qiu hou jiang yin xue yan duan lei long li shi tao he mao hao
gu gong shao wan qian yan tan dai mo kong xiang chang wen niu""".split()
WORDS = """woaini woaiwojia woaini1314 aini iloveyou woaini520 wodemima mima mimamima zhongguo zhonghua beijing shanghai guangzhou
shenzhen tianjin chongqing nanjing hangzhou wuhan chengdu xian qq qqqq weixin wechat taobao alipay zhifubao baidu tencent alibaba
huawei xiaomi lenovo dearbook xiazhili tianya csdn 12306 kefu kefubu kefu2026 kefuzhongxin zhaoshang touzi admin administrator
root guanliyuan ceshi test user yonghu laoban jingli zhuguan lingdao kaixin xingfu pingan facai laopo laogong baobao baobei
qinai wojia meinv shuaige xiaobao xiaoming xiaohong xiaoyu xiaowang zhangsan lisi wangwu sunwukong""".split()
LUCKY = """1 12 123 1234 12345 123456 1234567 12345678 123456789 000 0000 000000 111 1111 111111 666 6666 666666 888 8888 888888
999 9999 999999 168 518 520 521 1314 5201314 1314520 147258 147258369 159357 123123 321 54321 654321 123321 112233 11223344
abc abc123 a123 @123 !@# qwe qwe123 2008 2010 2012 2020 2021 2022 2023 2024 2025 2026 2027""".split()
NUMBERS = """5201314 1314520 5201314520 52013145201314 1314521 147258369 1472583690 159357456 147852369 963852741 741852963 789456123
7894561230 123698745 11223344 1122334455 12344321 1234554321 31415926 3141592653 110110110 119119119 123321123 123456123
123456123456 1234512345 5211314 12301230 10101010 1010101010 9876543210 0987654321 20082008 88888888 888888888 8888888888
66666666 666666666 6666666666 00000000 000000000 0000000000""".split()
CHINESE = """我爱你 我爱你一生一世 我爱中国 中华人民共和国 密码 我的密码 客服部 客服 管理员 一生一世 一心一意 恭喜发财 万事如意 心想事成
步步高升 平安是福 中国万岁 天天向上 好好学习 不忘初心""".split()


def chinese_favoured():
    for word in WORDS + SURNAMES:
        yield word
        for suffix in LUCKY:
            yield word + suffix
            yield suffix + word
    for surname in SURNAMES:
        for year in range(1960, 2011):
            yield surname + str(year)
    for prefix in ["qq", "qq@", "a", "aa", "abc", "woaini", "wo", "zz", "wang", "li", "zhang"]:
        for digits in ["123456", "1234567", "12345678", "123456789", "1234567890", "888888", "666666", "5201314", "1314520"]:
            yield prefix + digits
    yield from NUMBERS
    for phrase in CHINESE:
        yield phrase
        for suffix in ["123", "123456", "1314", "520", "2026"]:
            yield phrase + suffix


def main():
    seen = set()
    lines = []
    for entry in list(FREQUENCY_LISTS["passwords"]) + list(chinese_favoured()):
        entry = entry.strip().lower()
        if len(entry) < 4 or entry in seen:
            continue
        seen.add(entry)
        lines.append(entry)
    print("# Common and breached passwords Kefu refuses (issue 11 #5), one a line, compared without case.")
    print("# Made by tools/generate_common_passwords.py: the Xato corpus's 30,000 most common passwords as")
    print("# zxcvbn ships them (MIT), and passwords favoured in China built from well-known patterns.")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
