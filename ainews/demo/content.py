"""Deterministic article content for the demo sites, built from phrases we wrote ourselves."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))

ORGS = (
    "星河智能", "深瞳科技", "云雀实验室", "北辰AI", "墨子计算", "青鸾数据", "天工研究院",
    "白鹭机器人", "长风智算", "知微科技", "启明视觉", "澄海语言实验室",
)
MODELS = (
    "星河-3", "云雀大模型", "北辰Turbo", "墨子代码助手", "青鸾多模态", "天工-Pro",
    "长风推理引擎", "知微Agent", "启明视频生成", "澄海翻译",
)
FIELDS = (
    "医疗影像", "智能客服", "自动驾驶", "代码生成", "在线教育", "金融风控", "工业质检",
    "药物研发", "内容审核", "法律检索", "农业遥感", "气象预报",
)
TITLE_TEMPLATES = (
    "{org}发布{model},{field}场景成本下降{num}%",
    "{model}开源:{org}押注{field}的长期价值",
    "{field}迎来大模型:{org}给出{num}项实测数据",
    "{org}的{model}上线{num}天,用户反馈如何?",
    "从{field}看{org}:大模型落地还差几步",
    "{org}联合高校发布{field}评测基准,{model}排名第一",
    "{model}更新:上下文扩展到{num}万字",
    "{org}裁掉{num}%岗位,全力投入{field}大模型",
)
SENTENCES = (
    "{org}在发布会上表示,{model}在{field}任务上的准确率比上一代提高了{num}个百分点。",
    "多位业内人士认为,{field}是大模型最先产生商业回报的领域之一。",
    "训练这一版本使用了约{num}万张GPU卡时,数据主要来自公开语料和合作伙伴授权的数据集。",
    "与海外同类产品相比,{model}的优势在于对中文长文本的理解更稳定。",
    "不过也有开发者指出,模型在复杂推理上仍会出现前后矛盾的回答。",
    "{org}负责人透露,公司计划在明年把推理成本再降低一半。",
    "据了解,已有{num}家企业在内测阶段接入了{model}的接口。",
    "在{field}场景里,数据质量往往比参数规模更重要。",
    "一位不愿具名的投资人说,今年大模型赛道的融资节奏明显放缓。",
    "监管部门此前发布的生成式人工智能服务管理办法,对训练数据来源提出了明确要求。",
    "测试结果显示,{model}在{num}项公开基准中有一半以上取得了领先。",
    "对于中小企业来说,私有化部署的门槛仍然偏高。",
    "{org}同时开放了轻量版本,普通笔记本电脑也能在本地运行。",
    "研究人员用{num}组对照实验验证了新方法的有效性。",
    "业内普遍预计,{field}相关的应用会在未来两年迎来爆发。",
    "算力紧张的问题没有根本解决,国产芯片的适配工作仍在推进。",
    "用户可以通过网页、手机应用和开放接口三种方式使用该服务。",
    "有分析师提醒,过度宣传模型能力可能透支市场信任。",
    "这次更新还修复了此前被用户集中反馈的幻觉问题。",
    "{org}表示,所有生成内容都会加上可识别的标注。",
    "从招聘数据看,{field}方向的算法岗位需求同比增长了{num}%。",
    "团队在论文中公开了训练细节,但没有公布全部数据配比。",
    "值得注意的是,{model}的多轮对话能力在评测中表现一般。",
    "开源社区对这一版本反应积极,发布首周下载量突破{num}万次。",
)
# Real names of the field (ids of extractor/data/ai_entities.csv), for the paragraph of
# industry context some articles end with: what `ainews trends` must count.
FIELD_NAMES = (
    ("deepseek", "深度求索"), ("deepseek", "DeepSeek"), ("qwen", "通义千问"),
    ("moonshot", "月之暗面"), ("openai", "OpenAI"), ("zhipu", "智谱"),
    ("anthropic", "Anthropic"), ("nvidia", "英伟达"), ("baidu", "百度"),
)
CONTEXT_SENTENCES = (
    "同一周,{a}也公布了新的开源计划。",
    "有开发者把它与{a}的最新版本做了对比。",
    "{a}和{b}此前都在这一方向上有所布局。",
)
AUTHORS_DAILY = ("科技边角料Pro", "AI观察员", "硅基君", "数据侠", "算力前线", "模型小编")
AUTHORS_PORTAL = ("光子星球", "林晓舟", "陈思远", "周一鸣", "苏河", "赵青禾")
EDITORS = ("吴先之", "李文博", "王若溪", "孙楚")
SOURCES = ("光子星球", "智能涌现", "新智观察", "硬核前沿", "数智周刊")
CATEGORIES_DAILY = ("AI大模型", "AI应用", "AI芯片", "行业动态")
CATEGORIES_WP = ("数码", "人工智能", "软件")
CATEGORIES_PORTAL = ("人工智能", "互联网", "前沿科技")
TAGS = ("大模型", "开源", "算力", "AIGC", "多模态", "智能体", "芯片", "融资", "监管")


@dataclass(slots=True, kw_only=True)
class DemoArticle:
    """One article of a demo site with the facts a clean extraction must recover."""

    site: str
    path: str
    title: str
    paragraphs: list[str]
    category: str
    breadcrumbs: list[str]
    published_at: datetime
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    disallowed: bool = False
    """True for the page robots.txt forbids."""
    entities: dict[str, int] = field(default_factory=dict)
    """The real AI entities its text names (ids), with how often."""


def add_field_context(articles: Sequence[DemoArticle], seed: str) -> None:
    """End two articles in three with a paragraph naming real entities of the field (its
    own random stream: the rest of the text stays as it was), and record them."""
    for number, article in enumerate(articles):
        rng = random.Random(f"{seed}-{number}")
        if number % 3 == 2:
            continue
        sentence = rng.choice(CONTEXT_SENTENCES)
        first, second = rng.sample(range(len(FIELD_NAMES)), 2)
        names = {"a": FIELD_NAMES[first], "b": FIELD_NAMES[second]}
        article.paragraphs.append(sentence.format(**{k: v[1] for k, v in names.items()}))
        for key, (entity, _) in names.items():
            if "{" + key + "}" in sentence:
                article.entities[entity] = article.entities.get(entity, 0) + 1


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        org=rng.choice(ORGS), model=rng.choice(MODELS), field=rng.choice(FIELDS),
        num=rng.randint(3, 90),
    )


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(_fill(rng.choice(SENTENCES), rng) for _ in range(rng.randint(2, 4)))
        for _ in range(count)
    ]


def _unique_title(rng: random.Random, seen: set[str]) -> str:
    while True:
        title = _fill(rng.choice(TITLE_TEMPLATES), rng)
        if title not in seen:
            seen.add(title)
            return title


def generate_daily(count: int, seed: int = 1) -> list[DemoArticle]:
    """Articles of the aigcdaily-layout site: absolute dates, one author, repeated paragraph."""
    rng = random.Random(seed)
    seen: set[str] = set()
    start = datetime(2024, 1, 3, 9, 0, tzinfo=SHANGHAI)
    articles = []
    for i in range(count):
        category = CATEGORIES_DAILY[i % len(CATEGORIES_DAILY)]
        paragraphs = _paragraphs(rng, rng.randint(4, 7))
        if i % 5 == 0:
            # Like the seed page: a paragraph repeated word for word at the end.
            paragraphs.append(paragraphs[1])
        articles.append(DemoArticle(
            site="demo-daily",
            path=f"/news/{1000 + i}.html",
            title=_unique_title(rng, seen),
            paragraphs=paragraphs,
            category=category,
            breadcrumbs=["首页", "资讯", category],
            published_at=start + timedelta(days=i * 3, minutes=rng.randint(0, 600)),
            authors=[rng.choice(AUTHORS_DAILY)],
            tags=rng.sample(TAGS, 2),
        ))
    return articles


# Ages of the WordPress site's articles, chosen to show every relative-date form it prints.
WP_AGES = (
    timedelta(seconds=20), timedelta(minutes=5), timedelta(minutes=42), timedelta(hours=3),
    timedelta(hours=20), timedelta(days=1, hours=2), timedelta(days=2, hours=1),
    timedelta(days=3), timedelta(days=6), timedelta(days=12), timedelta(days=25),
)


def generate_wp(count: int, now: datetime, seed: int = 2) -> list[DemoArticle]:
    """Articles of the WordPress-layout site, dated relative to ``now``."""
    rng = random.Random(seed)
    seen: set[str] = set()
    articles = []
    for i in range(count):
        if i < len(WP_AGES):
            age = WP_AGES[i]
        else:
            age = timedelta(days=30 + (i - len(WP_AGES)) * 9, hours=rng.randint(0, 12))
        category = CATEGORIES_WP[i % len(CATEGORIES_WP)]
        articles.append(DemoArticle(
            site="demo-wp",
            path=f"/archives/{2000 + i}",
            title=_unique_title(rng, seen),
            paragraphs=_paragraphs(rng, rng.randint(3, 6)),
            category=category,
            breadcrumbs=["首页", category],
            published_at=(now - age).astimezone(SHANGHAI),
            authors=["admin"],
            tags=rng.sample(TAGS, 3),
        ))
    return articles


def generate_portal(count: int, seed: int = 3) -> list[DemoArticle]:
    """Articles of the portal-layout site: Chinese dates, source, author and editor lines."""
    rng = random.Random(seed)
    seen: set[str] = set()
    start = datetime(2023, 2, 15, 15, 20, tzinfo=SHANGHAI)
    articles = []
    for i in range(count):
        category = CATEGORIES_PORTAL[i % len(CATEGORIES_PORTAL)]
        published = start + timedelta(days=i * 5, minutes=rng.randint(0, 900))
        # Every seventh article is a short brief, under trafilatura's 250-character minimum.
        paragraphs = _paragraphs(rng, 1 if i % 7 == 3 else rng.randint(3, 6))
        authors = rng.sample(AUTHORS_PORTAL, 2 if i % 4 == 1 else 1)
        articles.append(DemoArticle(
            site="demo-portal",
            path=f"/a/{published:%Y%m%d}/{3000 + i}.shtml",
            title=_unique_title(rng, seen),
            paragraphs=paragraphs,
            category=category,
            breadcrumbs=["首页", "科技", category],
            published_at=published,
            authors=authors,
            editors=[rng.choice(EDITORS)],
            source=rng.choice(SOURCES),
        ))
    return articles


def generate_generic(site: str, count: int, *, seed: int, start: datetime, every_hours: int,
                     authors: Sequence[str] = AUTHORS_PORTAL, editors: bool = False,
                     sources: bool = False, categories: Sequence[str] = CATEGORIES_PORTAL,
                     ) -> list[DemoArticle]:
    """Articles for a zoo site (paths are set by the site's URL scheme)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    articles = []
    for i in range(count):
        category = categories[i % len(categories)]
        articles.append(DemoArticle(
            site=site, path="", title=_unique_title(rng, seen),
            paragraphs=_paragraphs(rng, rng.randint(3, 6)), category=category,
            breadcrumbs=["首页", category],
            published_at=start + timedelta(hours=i * every_hours, minutes=rng.randint(0, 50)),
            authors=rng.sample(list(authors), 2 if i % 5 == 2 else 1),
            editors=[rng.choice(EDITORS)] if editors else [],
            source=rng.choice(SOURCES) if sources else None,
            tags=rng.sample(TAGS, 2),
        ))
    return articles
