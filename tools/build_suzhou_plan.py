"""Build fixtures/suzhou_cbec_plan_2024_2026.json from the published plan text.

The plan text (traditional Chinese) is converted to simplified Chinese with OpenCC and parsed:
sections, the 17 key tasks (title = first sentence, text = the rest) and each task's responsible
departments exactly as the closing parenthesis lists them. Names are matched to the stable codes
below; an unknown name stops the build. Codes, English names and the quantitative targets of
「二、发展目标」 are written out here, since the text alone cannot give them.

    python tools/build_suzhou_plan.py ../shared/seeds/002_ef77ba9b26bdb342.txt \
        > fixtures/suzhou_cbec_plan_2024_2026.json

tests/test_fixture_matches_plan.py rebuilds the file and compares it with the committed one.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from opencc import OpenCC

FORMAT = "cbec-plan/1"

# (code, name as the plan writes it, English name), in the order PRODUCT.md lists them.
DEPARTMENTS = [
    ("cac", "市委网信办", "Cyberspace Affairs Office of the CPC Suzhou Municipal Committee"),
    ("drc", "市发改委", "Suzhou Municipal Development and Reform Commission"),
    ("miit", "市工信局", "Suzhou Municipal Bureau of Industry and Information Technology"),
    ("finance", "市财政局", "Suzhou Municipal Finance Bureau"),
    ("commerce", "市商务局", "Suzhou Municipal Commerce Bureau"),
    ("tax", "市税务局", "Suzhou Municipal Tax Service"),
    ("customs", "苏州海关", "Suzhou Customs"),
    ("pboc", "人民银行苏州市分行", "People's Bank of China Suzhou Branch"),
    ("transport", "市交通局", "Suzhou Municipal Transport Bureau"),
    ("amr", "市市场监管局", "Suzhou Administration for Market Regulation"),
    ("post-admin", "市邮政管理局", "Suzhou Postal Administration"),
    ("china-post", "中国邮政苏州分公司", "China Post Suzhou Branch"),
    ("port", "苏州港管委会", "Suzhou Port Administrative Committee"),
    ("nrp", "市资源规划局", "Suzhou Municipal Bureau of Natural Resources and Planning"),
    ("hrss", "市人社局", "Suzhou Municipal Bureau of Human Resources and Social Security"),
    ("talent", "市委人才办", "Talent Work Office of the CPC Suzhou Municipal Committee"),
    ("education", "市教育局", "Suzhou Municipal Education Bureau"),
    ("local-finreg", "市地方金融监管局", "Suzhou Local Financial Supervision and Administration Bureau"),
    ("nfra", "国家金融监管总局苏州监管分局", "NFRA Suzhou Branch (National Financial Regulatory Administration)"),
    ("sinosure", "中信保苏州办事处", "Sinosure (China Export & Credit Insurance) Suzhou Office"),
    ("qiaoban", "市侨办", "Suzhou Overseas Chinese Affairs Office"),
    ("qiaolian", "市侨联", "Suzhou Federation of Returned Overseas Chinese"),
]
DEFAULT_LEAD = "commerce"  # the pilot-zone office sits in 市商务局, named in all 17 tasks

DISTRICTS = [
    ("zhangjiagang", "张家港市", "Zhangjiagang City"),
    ("changshu", "常熟市", "Changshu City"),
    ("taicang", "太仓市", "Taicang City"),
    ("kunshan", "昆山市", "Kunshan City"),
    ("wujiang", "吴江区", "Wujiang District"),
    ("wuzhong", "吴中区", "Wuzhong District"),
    ("xiangcheng", "相城区", "Xiangcheng District"),
    ("gusu", "姑苏区", "Gusu District"),
    ("sip", "苏州工业园区", "Suzhou Industrial Park"),
    ("snd", "苏州高新区", "Suzhou New District (Suzhou High-tech Zone)"),
]

SECTION_TITLES_EN = {
    1: "Grow market players and the scale of the industry",
    2: "Strengthen the support system for cross-border e-commerce",
    3: "Improve government services and the business-service ecosystem",
    4: "Strengthen standards and guidance for cross-border e-commerce",
}
TASK_TITLES_EN = {
    1: "Speed up enterprise transformation and build benchmark firms",
    2: "Attract more leading platforms",
    3: "Attract more pioneering projects",
    4: "Build cross-border e-commerce industrial belts",
    5: "Strengthen brand development in cross-border e-commerce",
    6: "Build professional, efficient logistics channels",
    7: "Improve the global overseas-warehouse network and its services",
    8: "Speed up the building of cross-border e-commerce industrial parks",
    9: "Achieve a breakthrough in cross-border e-commerce imports",
    10: "Step up innovation in regulating cross-border e-commerce",
    11: "Improve the comprehensive service system",
    12: "Attract and train cross-border e-commerce talent",
    13: "Increase the supply of innovative financial products",
    14: "Strengthen cooperation and exchange across regions",
    15: "Help enterprises open markets through many channels",
    16: "Build capacity in cross-border e-commerce standards",
    17: "Strengthen the credit system for cross-border e-commerce",
}

# (district code, belt name, English name, 2026 export target in 亿元, wording in the plan);
# sorted below into the districts' order, the order the file keeps.
_BELTS_AS_WRITTEN = [
    ("changshu", "纺织服装", "Textiles and apparel", 100, "常熟市纺织服装产业带出口规模超100亿元"),
    ("sip", "家居办公", "Home and office furnishing", 100, "工业园区家居办公产业带出口规模超100亿元"),
    ("kunshan", "孕童健康", "Maternal, infant and child health", 70, "昆山市孕童健康产业带出口规模超70亿元"),
    ("wujiang", "丝绸面料", "Silk fabrics", 50, "吴江区丝绸面料产业带出口规模超50亿元"),
    ("wuzhong", "智能家电", "Smart home appliances", 50, "吴中区智能家电产业带出口规模超50亿元"),
    ("snd", "光伏新能源", "Photovoltaics and new energy", 50, "高新区光伏新能源产业带出口规模超50亿元"),
    ("zhangjiagang", "塑饮机械", "Plastics and beverage machinery", 30, "张家港市塑饮机械产业带出口规模超30亿元"),
    ("taicang", "汽车配件配饰", "Auto parts and accessories", 30, "太仓市汽车配件配饰产业带出口规模超30亿元"),
    ("xiangcheng", "健康家居", "Healthy home furnishing", 30, "相城区健康家居产业带出口规模超30亿元"),
    ("gusu", "婚纱礼服", "Wedding and evening dresses", 30, "姑苏区婚纱礼服产业带出口规模超30亿元"),
]

_DISTRICT_ORDER = [code for code, _name, _en in DISTRICTS]
BELTS = sorted(_BELTS_AS_WRITTEN, key=lambda belt: _DISTRICT_ORDER.index(belt[0]))

PLAN_YEARS = (2024, 2025, 2026)
DOUBLING = "2.00"


def _target(level, year, *, comparison=None, value=None, value_max=None, growth=None, district=None, source=""):
    return {
        "level": level,
        "district": district,
        "year": year,
        "comparison": comparison,
        "value": value,
        "value_max": value_max,
        "growth_factor": growth,
        "source_text": source,
    }


def indicators() -> list[dict]:
    """The plan's quantitative targets (「二、发展目标」 and the tasks), with the known baselines."""
    volume_source = "通过海关监管平台的跨境电商进出口额每年实现翻番以上,力争达到1500亿元"
    district_volume_source = "各县级市(区)通过海关监管平台的跨境电商进出口额每年实现翻番以上"
    return [
        {
            "code": "cbec_volume",
            "name": "跨境电商进出口额(海关监管平台)",
            "name_en": "Cross-border e-commerce import and export value through the customs platform",
            "unit": "亿元",
            "description": "通过海关监管平台的跨境电商进出口额。",
            "targets": [
                *[_target("city", y, growth=DOUBLING, source=volume_source) for y in PLAN_YEARS[:-1]],
                _target("city", 2026, comparison="gte", value="1500.00", growth=DOUBLING, source=volume_source),
                *[_target("district", y, growth=DOUBLING, source=district_volume_source) for y in PLAN_YEARS],
            ],
            "reports": [
                {"district": None, "period": "2023", "value": "124.70", "source": "2023年基数(三年行动计划相关报道)"},
                {"district": None, "period": "2024", "value": "232.30", "source": "2024年实绩,同比增长86.3%"},
            ],
        },
        {
            "code": "belt_export",
            "name": "特色产业带出口规模",
            "name_en": "Export value of the district's featured industrial belt",
            "unit": "亿元",
            "description": "各板块特色产业带的跨境电商出口规模。",
            "targets": [
                _target("district", 2026, comparison="gt", value=f"{value}.00", district=code, source=source)
                for code, _name, _en, value, source in BELTS
            ],
            "reports": [],
        },
        {
            "code": "cbec_parks",
            "name": "跨境电商产业园区(集聚区)",
            "name_en": "Cross-border e-commerce industrial parks (clusters)",
            "unit": "个",
            "description": "集聚效应明显、生态体系完备的跨境电商产业园区(集聚区)。",
            "targets": [
                _target(
                    "district",
                    2026,
                    comparison="gte",
                    value="2.00",
                    source="各县级市(区)建设集聚效应明显、生态体系完备的跨境电商产业园区(集聚区)2个以上",
                )
            ],
            "reports": [],
        },
        {
            "code": "featured_belts",
            "name": "跨境电商特色产业带",
            "name_en": "Featured cross-border e-commerce industrial belts",
            "unit": "个",
            "description": "具有区域特色的跨境电商特色产业带。",
            "targets": [
                _target(
                    "district",
                    2026,
                    comparison="between",
                    value="1.00",
                    value_max="2.00",
                    source="培育形成具有区域特色的跨境电商特色产业带1~2个",
                )
            ],
            "reports": [],
        },
        {
            "code": "belt_demo_firms",
            "name": "“产业带+跨境电商”样板/示范企业",
            "name_en": '"Industrial belt + CBEC" model and demonstration firms',
            "unit": "家",
            "description": "全市“产业带+跨境电商”样板企业;各板块“产业带+跨境电商”重点示范企业。",
            "targets": [
                _target(
                    "city",
                    2026,
                    comparison="gte",
                    value="50.00",
                    source="至2026年,全市打造“产业带+跨境电商”样板企业50家",
                ),
                _target(
                    "district",
                    2026,
                    comparison="gte",
                    value="30.00",
                    source="各县级市(区)打造“产业带+跨境电商”重点示范企业30家以上",
                ),
            ],
            "reports": [],
        },
        {
            "code": "cbec_entities",
            "name": "开展跨境电商业务的主体",
            "name_en": "Entities doing cross-border e-commerce business",
            "unit": "个",
            "description": "全市开展跨境电商业务的主体数量。",
            "targets": [
                _target(
                    "city",
                    2026,
                    comparison="gt",
                    value="15000.00",
                    source="至2026年,全市开展跨境电商业务的主体突破1.5万个",
                )
            ],
            "reports": [],
        },
        {
            "code": "new_cbec_firms",
            "name": "新开展跨境电商业务的传统外贸、制造业企业",
            "name_en": "Traditional trade and manufacturing firms starting cross-border e-commerce (per year)",
            "unit": "家/年",
            "description": "每年推动开展跨境电商业务的传统外贸、制造业企业。",
            "targets": [
                _target(
                    "city",
                    y,
                    comparison="gte",
                    value="600.00",
                    source="每年推动至少600家传统外贸、制造业企业开展跨境电商业务",
                )
                for y in PLAN_YEARS
            ],
            "reports": [],
        },
        {
            "code": "overseas_warehouse_m2",
            "name": "本市企业建设、运营的海外仓面积",
            "name_en": "Overseas warehouse area built and operated by local firms",
            "unit": "平方米",
            "description": "本市企业建设、运营的海外仓面积。",
            "targets": [
                _target(
                    "city",
                    2026,
                    comparison="gt",
                    value="1500000.00",
                    source="本市企业建设、运营的海外仓面积超150万平方米",
                )
            ],
            "reports": [],
        },
        {
            "code": "own_brands",
            "name": "自有品牌出海",
            "name_en": "Own brands going overseas",
            "unit": "个",
            "description": "全市自有品牌出海数量。",
            "targets": [
                _target("city", 2026, comparison="gte", value="10000.00", source="至2026年,全市自有品牌出海1万个")
            ],
            "reports": [],
        },
        {
            "code": "intl_brands",
            "name": "有国际影响力的跨境电商出口品牌",
            "name_en": "Cross-border e-commerce export brands of international influence",
            "unit": "个",
            "description": "有国际影响力的跨境电商出口品牌数量。",
            "targets": [
                _target("city", 2026, comparison="gte", value="40.00", source="有国际影响力的跨境电商出口品牌40个")
            ],
            "reports": [],
        },
        {
            "code": "new_service_firms",
            "name": "新增服务企业",
            "name_en": "Firms newly served by the service centre (per year)",
            "unit": "家/年",
            "description": "线下服务中心与线上服务平台每年新增服务企业。",
            "targets": [
                _target("city", y, comparison="gt", value="600.00", source="每年新增服务企业超600家")
                for y in PLAN_YEARS
            ],
            "reports": [],
        },
    ]


def split_trailing_parenthesis(line: str) -> tuple[str, str]:
    """Split "body(responsibility)" at the parenthesis that closes the line, nesting respected."""
    if not line.endswith(")"):
        raise ValueError(f"task line does not end with a responsibility parenthesis: {line[:40]}…")
    depth = 0
    for index in range(len(line) - 1, -1, -1):
        if line[index] == ")":
            depth += 1
        elif line[index] == "(":
            depth -= 1
            if depth == 0:
                return line[:index], line[index + 1 : -1]
    raise ValueError(f"unbalanced parentheses: {line[:40]}…")


def responsible_names(responsibility: str) -> list[str]:
    """The departments before 「按职责分工」/「负责」, e.g. 「市资源规划局、市商务局负责」."""
    head = re.split(r"按职责分工|负责", responsibility, maxsplit=1)[0]
    return [name.strip() for name in head.split("、") if name.strip()]


def parse(text: str) -> dict:
    lines = [line.strip() for line in OpenCC("t2s").convert(text).splitlines() if line.strip()]
    code_by_name = {name: code for code, name, _ in DEPARTMENTS}
    title = lines[5]
    start = lines.index("三、重点任务")
    end = lines.index("四、保障措施")
    preamble = lines[6]
    goals = "\n".join(lines[7:start])
    safeguards = "\n".join(lines[end + 1 :])

    sections: list[dict] = []
    numerals = "一二三四五六七八九十"
    for line in lines[start + 1 : end]:
        section_match = re.fullmatch(r"\(([一二三四五六七八九十])\)(.+?)。?", line)
        if section_match:
            number = numerals.index(section_match.group(1)) + 1
            sections.append(
                {"number": number, "title": section_match.group(2), "title_en": SECTION_TITLES_EN[number], "tasks": []}
            )
            continue
        task_match = re.fullmatch(r"(\d+)\.(.+)", line)
        if not task_match:
            raise ValueError(f"unexpected line in 重点任务: {line[:40]}…")
        number = int(task_match.group(1))
        body, responsibility = split_trailing_parenthesis(task_match.group(2))
        task_title, _, task_text = body.partition("。")
        names = responsible_names(responsibility)
        unknown = [name for name in names if name not in code_by_name]
        if unknown:
            raise ValueError(f"task {number}: unknown department(s) {unknown}")
        sections[-1]["tasks"].append(
            {
                "number": number,
                "title": task_title,
                "title_en": TASK_TITLES_EN[number],
                "text": task_text,
                "responsibility_text": responsibility,
                "responsibilities": [
                    {"department": code_by_name[name], "role": "lead" if code_by_name[name] == DEFAULT_LEAD else "co"}
                    for name in names
                ],
                "districts": "all",
            }
        )

    return {
        "format": FORMAT,
        "plan": {
            "code": "suzhou-cbec-2024-2026",
            "title": title,
            "title_en": "China (Suzhou) Cross-Border E-Commerce Comprehensive Pilot Zone "
            "High-Quality Development Three-Year Action Plan (2024–2026)",
            "issuer": lines[2],
            "document_number": "",
            "issued_on": "2024-04-08",
            "start_year": 2024,
            "end_year": 2026,
            "preamble": preamble,
            "goals": goals,
            "safeguards": safeguards,
        },
        "departments": [{"code": c, "name": n, "name_en": e} for c, n, e in DEPARTMENTS],
        "districts": [{"code": c, "name": n, "name_en": e} for c, n, e in DISTRICTS],
        "sections": sections,
        "indicators": indicators(),
        "belts": [{"district": c, "name": n, "name_en": e} for c, n, e, _v, _s in BELTS],
    }


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/seeds/002_ef77ba9b26bdb342.txt")
    json.dump(parse(source.read_text(encoding="utf-8")), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
