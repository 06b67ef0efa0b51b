"""Credit strings read into roles and names, and the names judged: one case per credit form."""

from __future__ import annotations

import pytest

from extractor.credits import Role, read_credit, residue
from extractor.names import Kind, classify, split_glued_names


def _read(text):
    return [(m.role, m.name) for m in read_credit(text)]


W, P, E, S, N = Role.WRITER, Role.PHOTO, Role.EDITOR, Role.SOURCE, Role.NONE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # labelled meta lines
        ("作者:科技边角料Pro发布时间:2024-11-08", [(W, "科技边角料Pro")]),
        ("文 | 光子星球 编辑 | 吴先之", [(W, "光子星球"), (E, "吴先之")]),
        ("文 | 林晓舟、陈思远 编辑 | 孙楚", [(W, "林晓舟"), (W, "陈思远"), (E, "孙楚")]),
        ("责任编辑:李文博", [(E, "李文博")]),
        ("执笔/叨叨姐、胡一刀&李小飞刀", [(W, "叨叨姐"), (W, "胡一刀"), (W, "李小飞刀")]),
        # reporters, correspondents, interns; organisations glued before the label
        ("（记者 柳德新 通讯员 彭娟）", [(W, "柳德新"), (W, "彭娟")]),
        ("记者柳德新通讯员彭娟", [(W, "柳德新"), (W, "彭娟")]),
        ("本报记者 王乐文 方 敏", [(W, "王乐文"), (W, "方敏")]),
        ("成都商报(微博)记者 余文龙 实习生 向英子",
         [(N, "成都商报"), (W, "余文龙"), (W, "向英子")]),
        ("华西都市报记者彭晗侯婷婷摄影吕甲",
         [(N, "华西都市报"), (W, "彭晗"), (W, "侯婷婷"), (P, "吕甲")]),
        ("半月谈记者谭飞王艳明闫鹃", [(S, "半月谈"), (W, "谭飞"), (W, "王艳明"), (W, "闫鹃")]),
        ("本版文/记者李莎莎黎史翔王进雨程磊实习生吉喆高小娟",
         [(W, "李莎莎"), (W, "黎史翔"), (W, "王进雨"), (W, "程磊"), (W, "吉喆"), (W, "高小娟")]),
        ("新华网张改萍 中国气象网记者颜昕", [(N, "新华网"), (N, "张改萍"), (N, "中国气象网"),
                                         (W, "颜昕")]),
        ("本报记者罗科苏盈发自北京", [(W, "罗科"), (W, "苏盈")]),
        # traditional script, Taiwan and Hong Kong forms: the place filed from is no name
        ("記者張志雄 張梓嘉 嘉義報導", [(W, "張志雄"), (W, "張梓嘉")]),
        ("【聯合報╱記者高詩琴／台北報導】", [(N, "聯合報"), (W, "高詩琴")]),
        ("◎ 記者林又旻/採訪報導", [(W, "林又旻")]),
        ("（記者 李慧婷/文 通訊員 史貝貝/圖）", [(W, "李慧婷"), (P, "史貝貝")]),
        ("彭瑜 賀懷湘文/圖", [(W, "彭瑜"), (W, "賀懷湘")]),
        ("中央社記者張三台北21日電", [(N, "中央社"), (W, "張三")]),
        # labels after the name
        ("（李沐阳 编辑）", [(E, "李沐阳")]),
        ("(立悟/编译)", [(W, "立悟")]),
        ("(李艳 撰稿)", [(W, "李艳")]),
        ("記者陳立凱／攝影", [(P, "陳立凱")]),
        ("（中国台湾网 王怡然 摄）", [(P, "中国台湾网"), (P, "王怡然")]),
        ("图/示例晨报记者 庞一帆", [(P, "示例晨报"), (P, "庞一帆")]),
        ("楚天都市報記者嚴瓏 攝影：記者王永勝發自湖南長沙",
         [(N, "楚天都市報"), (W, "嚴瓏"), (P, "王永勝")]),
        # sources
        ("（来源：中国日报网 信莲 编辑：北风）", [(S, "中国日报网"), (S, "信莲"), (E, "北风")]),
        ("2011-12-08 作者：记者 武彩霞 来源：经济参考网", [(W, "武彩霞"), (S, "经济参考网")]),
        ("发布者：陈鑫 时间：2012-01-12 17:04:50 来源：解放牛网", [(W, "陈鑫"), (S, "解放牛网")]),
        ("转载自机器之心", [(S, "机器之心")]),
        ("来源：示例日报网络版", [(S, "示例日报网络版")]),  # the slot says outlet
        ("来源：我们整理的内容", []),  # a phrase is no outlet, whatever the slot
        # a role word with modifiers the page chose: the role word decides, the colon vouches
        ("网络编辑：江晓帆", [(E, "江晓帆")]),
        ("校园编辑：孔令舟 美术编辑：纪雨桐", [(E, "孔令舟"), (E, "纪雨桐")]),
        ("选稿：韦一鸣 排版：苗可欣", [(E, "韦一鸣"), (E, "苗可欣")]),
        # names normalised before they are judged: staff codes and status words cut
        ("作者：邵晨阳_XW20931", [(W, "邵晨阳")]),
        ("见习编辑：柏思远（实习）", [(E, "柏思远")]),
        ("责任编辑：QT0271", [(E, "QT0271")]),
        # forums and Latin bylines
        ("ggjjzhzz 发表于 2005-9-15 11:46:00", [(W, "ggjjzhzz")]),
        ("发布时间 2005/03/15 22:36:13 by duscha", [(W, "duscha")]),
        # what only looks like a credit
        ("作者：潘姿羽 文字大小：【大】【中】【小】", [(W, "潘姿羽")]),
        ("•作者一覽", []),
        ("有意与本刊合作者，有关合作事宜请联系", []),
        ("・[李继奎] 长阳穿四线 A股蛟龙出海（原创）",  # no label: bare, weak mentions
         [(N, "李继奎"), (N, "长阳穿四线"), (N, "A股蛟龙出海")]),
        ("编辑首推", []),
        ("（完）", []),
    ],
)
def test_read_credit(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("张帆", Kind.PERSON), ("欧阳娜娜", Kind.PERSON), ("蘇湘雲", Kind.PERSON),
        ("刘会", Kind.PERSON), ("John Smith", Kind.PERSON),
        ("忆松", Kind.HANDLE), ("GameForce", Kind.HANDLE), ("科技边角料Pro", Kind.HANDLE),
        ("新华社", Kind.OUTLET), ("华商报", Kind.OUTLET), ("IT之家", Kind.OUTLET),
        ("大江网讯", Kind.OUTLET),
        # never a name: interface words, numbers, dates, domains, places, phrases
        ("文字大小", Kind.JUNK), ("2208", Kind.JUNK), ("2012/01/12", Kind.JUNK),
        ("BUSINESS.SOHU.COM", Kind.JUNK), ("台北", Kind.JUNK), ("过此新闻", Kind.JUNK),
        ("国内新闻", Kind.JUNK), ("未知", Kind.JUNK), ("实习", Kind.JUNK),
        # a newsroom's staff code alone is a handle: a name only where a label vouches for it
        ("QT0271", Kind.HANDLE),
        # a common word that opens with a family name is no person (jieba's dictionary)
        ("商城", Kind.HANDLE), ("毕竟", Kind.HANDLE),
    ],
)
def test_classify(name, kind):
    assert classify(name) is kind


def test_the_site_itself_is_an_outlet_not_a_person():
    assert classify("chinanews") is Kind.HANDLE
    assert classify("chinanews", site_names=("chinanews",)) is Kind.OUTLET


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("谭飞王艳明闫鹃", ["谭飞", "王艳明", "闫鹃"]),
        ("彭晗侯婷婷", ["彭晗", "侯婷婷"]),
        ("張三台北", ["張三"]),  # the place filed from is cut
        ("王艳明", ["王艳明"]),
        ("李小飞刀", ["李小飞刀"]),  # no split covers it: a pen name, kept whole
    ],
)
def test_split_glued_names(run, names):
    assert split_glued_names(run) == names


def test_residue_tells_a_credit_line_from_a_sentence():
    line = "作者：潘姿羽 2012-01-17 10:32"
    assert residue(line, read_credit(line)) == 0
    sentence = "记者：未来一周，大雾、降雪和降雨对交通产生不利影响，应该如何应对"
    assert residue(sentence, read_credit(sentence)) > 4
