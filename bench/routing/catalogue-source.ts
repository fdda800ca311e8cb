/**
 * Authoring source of the shipped service catalogues (config/jurisdictions/catalogue/<code>.json): the items every
 * county, district and the city handle, written once by the function that handles them, mapped to each
 * jurisdiction's department codes. `npx tsx bench/routing/catalogue-source.ts --write` regenerates the files; the
 * files are the data an administrator edits afterwards (the generator is only where the first version came from).
 * `synthetic(n)` makes the 2,000-item catalogue of the routing cost benchmark.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultJurisdictionDir, listJurisdictions, loadJurisdiction } from '../../shared/config/load';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { ServiceCatalogueInput } from '../../shared/domain/routing';

/** Function → department codes in order of preference (the first that the jurisdiction lists). */
const ROLES: Record<string, string[]> = {
  market: ['SCJGJ', 'SCJGFJ'],
  natres: ['ZRZYGHJ', 'ZRZYFJ'],
  estate: ['BDCDJ'],
  hr: ['RSJ', 'SHSYJ'],
  medical: ['YBJ', 'SHSYJ'],
  fund: ['GJJ'],
  police: ['GAFJ', 'GAJ'],
  exit: ['CRJ', 'GAFJ', 'GAJ'],
  vehicle: ['JGDD', 'CGS'],
  approval: ['XZSPJ', 'ZWFWZX'],
  tax: ['SWJ'],
  housing: ['ZJJ', 'GHJSJ'],
  transport: ['JTYSJ', 'JJFZJ'],
  health: ['WJJ', 'WJW', 'SHSYJ'],
  civil: ['MZJ', 'SHSYJ'],
  edu: ['JTJ', 'SHSYJ'],
  env: ['STHJJ', 'STHJFJ'],
  power: ['GD'],
  city: ['ZHZFJ'],
  safety: ['YJGLJ'],
  agri: ['NYNCJ'],
  water: ['SLJ'],
  reform: ['FGJ', 'FGW', 'JJFZJ'],
  veteran: ['TYJRJ'],
  disabled: ['CL'],
  supply: ['GS'],
  gas: ['RQ'],
  town: ['XZJD'],
};

/** [function, id, official name, synonyms]. */
const ITEMS: [string, string, string, string[]][] = [
  ['market', 'yyzz-sl', '营业执照设立登记', ['办营业执照', '申请营业执照', '注册公司', '公司注册', '个体户注册', '个体工商户登记', '开公司', '设立登记', '办执照']],
  ['market', 'yyzz-bg', '营业执照变更登记', ['营业执照变更', '执照变更', '变更法人', '法人变更', '变更经营范围', '经营范围变更', '变更注册资本', '股权变更登记', '变更登记']],
  ['market', 'yyzz-zx', '企业注销登记', ['公司注销', '注销公司', '注销营业执照', '执照注销', '个体户注销', '简易注销']],
  ['market', 'spjy', '食品经营许可', ['食品经营许可证', '食品许可证', '食品经营许可', '小餐饮', '餐饮许可', '食品小作坊']],
  ['market', 'tzsb', '特种设备使用登记', ['电梯使用登记', '特种设备', '电梯年检', '锅炉登记']],
  ['market', 'jlqj', '计量器具检定', ['计量器具', '电子秤检定', '加油机检定', '计量检定']],
  ['market', 'shangbiao', '商标质押和企业年报', ['企业年报', '经营异常名录', '移出经营异常', '商标质押']],
  ['natres', 'ydys', '建设用地审批', ['用地审批', '建设用地', '土地征收', '征地补偿', '用地预审', '农转用']],
  ['natres', 'ghxk', '建设工程规划许可', ['规划许可证', '建设工程规划许可', '规划许可', '用地规划许可', '规划条件核实', '规划验收']],
  ['natres', 'zjd', '农村宅基地审批', ['宅基地审批', '宅基地', '农村建房审批', '农房审批']],
  ['estate', 'bdc-sc', '不动产首次登记', ['不动产首次登记', '房产证', '办房产证', '办理房产证', '房产证办不下来', '房本', '产权证', '不动产权证书', '房屋产权证', '土地证']],
  ['estate', 'bdc-zy', '不动产转移登记', ['过户', '房屋过户', '二手房过户', '转移登记', '继承过户']],
  ['estate', 'bdc-dy', '不动产抵押登记', ['抵押登记', '抵押注销', '注销抵押', '解押']],
  ['estate', 'bdc-cx', '不动产登记资料查询', ['查档', '房产查询', '不动产查询', '查封登记', '登记资料查询', '无房证明']],
  [
    'hr',
    'yl-dy',
    '养老保险待遇申领',
    ['养老保险', '养老金', '退休金', '退休手续', '办理退休', '办退休', '退休', '退休审批', '领养老金', '退休待遇', '养老待遇', '城乡居民养老', '社保缴费年限', '养老保险关系转移', '社保转移'],
  ],
  ['hr', 'shiye', '失业保险金申领', ['失业保险', '失业金', '失业登记', '领失业金']],
  ['hr', 'gongshang', '工伤认定', ['工伤认定', '工伤', '工伤保险', '劳动能力鉴定', '伤残鉴定']],
  ['hr', 'ldjc', '劳动保障监察', ['拖欠工资', '欠薪', '讨薪', '农民工工资', '劳动合同', '劳动仲裁', '劳动监察']],
  ['hr', 'sbk', '社会保障卡', ['社保卡', '社会保障卡', '补办社保卡']],
  ['hr', 'jiuye', '就业创业服务', ['创业补贴', '创业担保贷款', '就业登记', '职业技能补贴', '人才引进', '职称评审', '职称']],
  ['medical', 'yb-bx', '医疗费用报销', ['医保报销', '医疗报销', '报销', '报销医药费', '医药费报销', '住院报销', '异地就医', '异地报销', '门诊报销', '大病报销', '慢特病', '门特']],
  ['medical', 'yb-cb', '医疗保险参保登记', ['医保参保', '医疗保险', '城乡居民医保', '医保缴费', '医保卡', '医保转移', '医保关系转移', '生育保险', '生育津贴', '新农合']],
  ['fund', 'gjj-tq', '住房公积金提取', ['公积金提取', '提取公积金', '取公积金', '公积金+提取', '公积金+取出', '销户提取', '租房提取']],
  ['fund', 'gjj-dk', '住房公积金贷款', ['公积金贷款', '公积金+贷款', '组合贷款']],
  ['fund', 'gjj-jc', '住房公积金缴存', ['公积金缴存', '公积金缴纳', '公积金账户', '公积金转移', '公积金+转移', '公积金+缴存']],
  ['police', 'hk-qy', '户口迁移', ['户口迁移', '迁户口', '户口迁入', '户口迁出', '落户', '准迁证', '户口本', '户籍证明', '分户', '改名字', '更改姓名']],
  ['police', 'sfz', '居民身份证办理', ['身份证', '办身份证', '补办身份证', '临时身份证', '居住证']],
  ['police', 'wuzui', '无犯罪记录证明', ['无犯罪记录证明', '无犯罪证明']],
  ['exit', 'huzhao', '出入境证件办理', ['护照', '办护照', '护照加急', '港澳通行证', '往来港澳', '台湾通行证', '往来台湾', '签注', '出入境证件']],
  ['vehicle', 'jsz', '机动车驾驶证业务', ['驾驶证', '驾照', '换驾照', '驾驶证换证', '驾驶证期满换证', '驾驶证补证', '科目一', '科目二', '科目三', '考驾照']],
  ['vehicle', 'jdc', '机动车登记', ['机动车登记', '上牌', '车辆上户', '行驶证', '车辆过户', '车辆年检', '年审', '电动车上牌', '电动车挂牌', '违章处理']],
  ['approval', 'zhck', '综合窗口受理', ['综合窗口', '无差别受理', '一窗受理', '帮办代办', '排队叫号', '叫号', '取号']],
  ['approval', 'sgxk', '建筑工程施工许可', ['施工许可', '施工许可证', '建筑工程施工许可']],
  ['approval', 'xzxk', '相对集中行政许可', ['行政许可', '许可证办理', '审批办件', '一件事一次办']],
  ['tax', 'fapiao', '发票和纳税申报', ['发票', '开发票', '代开发票', '纳税申报', '个税', '个人所得税', '完税证明', '退税', '税务登记', '契税']],
  ['housing', 'yushou', '商品房预售许可', ['预售许可', '商品房预售', '预售证', '网签备案', '购房合同备案', '烂尾楼', '延期交房', '交房']],
  ['housing', 'wuye', '物业管理监督', ['物业管理', '物业服务', '物业', '维修资金', '专项维修资金', '业主委员会', '业委会']],
  ['housing', 'gzf', '公租房保障', ['公租房', '廉租房', '保障性住房', '住房保障', '租房补贴', '棚改', '棚户区改造', '老旧小区改造']],
  ['housing', 'zizhi', '建筑业企业资质', ['建筑资质', '资质证书', '建筑业企业资质', '施工图审查', '竣工验收备案']],
  ['transport', 'yunshu', '道路运输许可', ['道路运输许可', '道路运输证', '从业资格证', '网约车', '出租车', '客运班线', '货运']],
  ['health', 'yszg', '医师和医疗机构执业', ['医师执业', '执业医师', '诊所执业', '医疗机构执业许可', '护士执业']],
  ['health', 'csyx', '出生医学证明', ['出生证明', '出生医学证明', '准生证', '生育登记', '独生子女', '计生']],
  ['health', 'ggws', '公共场所卫生许可', ['卫生许可证', '公共场所卫生许可', '健康证']],
  ['civil', 'hunyin', '婚姻登记', ['结婚登记', '结婚证', '离婚登记', '离婚证', '领结婚证', '婚姻登记']],
  ['civil', 'dibao', '社会救助', ['低保', '最低生活保障', '特困供养', '临时救助', '五保']],
  ['civil', 'yanglao', '养老服务和高龄津贴', ['高龄津贴', '养老院', '敬老院', '养老服务补贴']],
  ['civil', 'shetuan', '社会组织登记', ['社会组织登记', '民办非企业', '社会团体登记']],
  ['civil', 'binzang', '殡葬服务', ['殡葬', '公墓', '火化', '殡仪馆']],
  ['edu', 'ruxue', '中小学入学', ['入学', '上学', '学位', '转学', '小学报名', '初中报名', '划片', '学区']],
  ['edu', 'zizhu', '学生资助', ['助学金', '学生资助', '助学贷款', '营养餐']],
  ['edu', 'jszg', '教师资格认定', ['教师资格', '教师资格证', '教师编制']],
  ['edu', 'peixun', '校外培训机构', ['培训机构', '校外培训', '课外辅导', '补习班']],
  ['env', 'huanping', '环境影响评价审批', ['环评', '环境影响评价', '排污许可', '排污许可证']],
  ['env', 'wuran', '环境污染举报', ['污染', '排污', '废水', '废气', '偷排', '异味扰民', '油烟扰民']],
  ['power', 'yongdian', '用电报装', ['用电报装', '电表', '停电', '电费', '通电', '供电', '电力增容', '过户电表']],
  ['city', 'zhzf', '城市管理和综合执法', ['占道经营', '乱搭乱建', '违章建筑', '违建', '拆违', '店招', '广告牌', '渣土车', '流动摊贩', '摆摊', '城市管理']],
  ['city', 'chengguan-sp', '城市管理审批', ['占道许可', '挖掘道路许可', '户外广告审批', '门头招牌审批']],
  ['safety', 'aq', '安全生产许可', ['安全生产许可', '危险化学品经营许可', '危化品经营许可', '烟花爆竹经营许可', '安全生产']],
  ['safety', 'zaihai', '防灾减灾救灾', ['自然灾害救助', '受灾救助', '灾后重建']],
  ['agri', 'butie', '惠农补贴', ['种粮补贴', '耕地地力保护补贴', '农机补贴', '农机购置补贴', '惠农补贴', '粮食补贴']],
  ['agri', 'tdcb', '农村土地承包经营权', ['土地承包', '承包地', '土地流转', '承包经营权证', '确权']],
  ['agri', 'xumu', '动物防疫和兽药', ['动物检疫', '动物防疫', '兽药', '养殖场备案', '屠宰', '生猪']],
  ['water', 'qushui', '取水许可', ['取水许可', '河道采砂', '水土保持', '河道管理', '河道']],
  ['reform', 'xmba', '投资项目备案', ['项目备案', '企业投资项目备案', '可研批复', '项目核准', '立项']],
  ['reform', 'jiage', '价格管理', ['价格认定', '收费标准', '物价']],
  ['veteran', 'tyjr', '退役军人优抚安置', ['退役军人', '优抚', '抚恤', '伤残军人', '军属', '退伍', '转业安置', '光荣牌', '优待证']],
  ['disabled', 'cjz', '残疾人证办理', ['残疾证', '残疾人证', '残疾鉴定', '残疾人补贴', '两项补贴', '残疾人两项补贴', '护理补贴']],
  ['supply', 'gs', '供水报装和水费', ['自来水报装', '用水报装', '水表', '水费', '停水', '水压', '自来水']],
  ['gas', 'rq', '燃气报装和安全', ['天然气开户', '燃气报装', '天然气报装', '燃气表', '燃气费', '天然气', '燃气', '煤气']],
  ['town', 'bmfw', '乡镇（街道）便民服务', ['村委会盖章', '社区盖章', '居委会证明', '村里开证明', '社区开证明', '便民服务']],
];

/** Names that belong to two departments since a reorganisation: the service decides. */
const SHARED: [string[], string[], string][] = [
  [['社保局', '社保所', '社保中心', '社保窗口', '社保'], ['hr', 'medical'], '旧称“社保”，养老、失业、工伤归人社局，医疗保险归医保局'],
  [['房产局', '房管局', '房管所', '房产管理局', '房地产管理局'], ['housing', 'estate'], '旧称“房管”，房屋交易和物业归住建局，房产证（不动产登记）归不动产登记中心'],
  [['卫计委', '卫计局', '计生委'], ['health', 'civil'], '原卫生计生部门，医疗卫生和生育登记归卫健部门'],
];

const WINDOWS: [string, string[], string][] = [
  ['approval', ['1号窗口', '一号窗口', '2号窗口', '二号窗口', '综合受理窗口'], 'w1'],
  ['estate', ['3号窗口', '三号窗口', '不动产窗口', '不动产登记窗口'], 'w3'],
  ['market', ['4号窗口', '四号窗口', '市场监管窗口', '企业开办窗口'], 'w4'],
  ['hr', ['5号窗口', '五号窗口', '人社窗口', '养老保险窗口'], 'w5'],
  ['medical', ['6号窗口', '六号窗口', '医保窗口'], 'w6'],
  ['fund', ['8号窗口', '八号窗口', '公积金窗口'], 'w8'],
  ['police', ['9号窗口', '九号窗口', '户政窗口', '户籍窗口', '户政大厅'], 'w9'],
  ['tax', ['10号窗口', '十号窗口', '税务窗口', '办税窗口'], 'w10'],
];

const NOT_GOVERNMENT: [string, string, string[], string][] = [
  [
    'ng-shop',
    '商家消费纠纷',
    ['淘宝', '拼多多', '京东', '网购', '网店', '直播间', '外卖', '店家', '商家不退', '不给退款', '退货', '发错货'],
    '属于消费纠纷，可与商家协商，或拨打“12315”消费者投诉举报电话。',
  ],
  [
    'ng-private',
    '个人之间的纠纷',
    ['邻居吵架', '和邻居', '借钱不还', '欠钱不还', '私人借款', '男朋友', '女朋友', '老公', '前妻', '婆婆', '分家产'],
    '属于个人之间的民事纠纷，可向所在社区（村）人民调解委员会申请调解，或向人民法院起诉。',
  ],
  [
    'ng-company',
    '企业内部和商业服务',
    ['健身房', '美容院', '办卡不退', '充值卡', '游戏充值', '游戏账号', '彩票', '理财产品', '保险公司理赔', '装修公司', '二手车商'],
    '属于与企业之间的商业服务纠纷，可与企业协商，或拨打“12315”、向人民法院起诉。',
  ],
  ['ng-opinion', '与政务服务无关的意见', ['电视节目', '明星', '天气预报', '球赛', '电影院']],
].map((x) => (x.length === 3 ? [...x, '与政务服务无关，如有需要可拨打“12345”政务服务便民热线咨询。'] : x)) as [string, string, string[], string][];

/** Places outside Suining people name with their units (art. 9(1): referral, no deployment to hand over to). */
const OUTSIDE: [string, string[]][] = [
  ['成都市', ['成都市', '成都']],
  ['重庆市', ['重庆市', '重庆']],
  ['绵阳市', ['绵阳市', '绵阳']],
  ['南充市', ['南充市', '南充']],
  ['德阳市', ['德阳市', '德阳']],
  ['资阳市', ['资阳市', '资阳']],
  ['内江市', ['内江市', '内江']],
  ['广安市', ['广安市', '广安']],
  ['重庆市潼南区', ['潼南区', '潼南']],
  ['南充市蓬安县', ['蓬安县']],
  ['南充市西充县', ['西充县']],
  ['资阳市乐至县', ['乐至县']],
  ['资阳市安岳县', ['安岳县']],
  ['绵阳市三台县', ['三台县']],
  ['绵阳市盐亭县', ['盐亭县']],
  ['广安市武胜县', ['武胜县']],
  ['四川省', ['四川省', '省级', '省政务服务']],
  ['北京市', ['北京市', '北京']],
  ['上海市', ['上海市', '上海']],
];

function codeFor(j: JurisdictionConfig, role: string): string | undefined {
  return (ROLES[role] ?? []).find((c) => j.departments.some((d) => d.code === c));
}

export function catalogueFor(j: JurisdictionConfig, version = '2026-12-01'): ServiceCatalogueInput {
  const items = ITEMS.flatMap(([role, id, name, synonyms]) => {
    const department = codeFor(j, role);
    return department ? [{ id: `${department}-${id}`, name, department, synonyms }] : [];
  });
  const places = WINDOWS.flatMap(([role, names, id]) => {
    const department = codeFor(j, role);
    return department ? [{ id, names, department, note: '示例窗口布局，请按本级政务服务中心实际窗口编号修改。' }] : [];
  });
  const sharedNames = SHARED.flatMap(([names, roles, note]) => {
    const departments = [...new Set(roles.map((r) => codeFor(j, r)).filter((c): c is string => c !== undefined))];
    return departments.length >= 2 ? [{ names, departments, note }] : [];
  });
  const halls = ['政务服务中心', '政务中心', '政务大厅', '办事大厅', '行政服务中心', '综合窗口', '无差别综合窗口', '便民服务中心', '便民服务站', '社区服务中心'];
  return {
    jurisdiction: j.code,
    version,
    halls,
    items,
    places,
    sharedNames,
    notGovernment: NOT_GOVERNMENT.map(([id, name, phrases, advice]) => ({ id, name, phrases, advice })),
    outside: OUTSIDE.map(([name, nameForms]) => ({ name, nameForms })),
    routing: { confidentAt: 0.75, autoDispatch: false },
  };
}

/** A catalogue of `n` items for the cost benchmark: the real items first, then made-up items with distinct names. */
export function synthetic(j: JurisdictionConfig, n: number): ServiceCatalogueInput {
  const base = catalogueFor(j, 'bench');
  const depts = j.departments.map((d) => d.code);
  const items = [...base.items];
  for (let i = items.length; i < n; i++) {
    const dept = depts[i % depts.length]!;
    items.push({ id: `SYN-${i}`, name: `测试事项${i}号许可`, department: dept, synonyms: [`测试事项${i}号`, `第${i}号测试许可`, `测试${i}+许可办理`] });
  }
  return { ...base, items };
}

if (process.argv.includes('--write')) {
  const dir = join(defaultJurisdictionDir(), 'catalogue');
  mkdirSync(dir, { recursive: true });
  for (const { code } of listJurisdictions()) {
    const c = catalogueFor(loadJurisdiction(code));
    writeFileSync(join(dir, `${code}.json`), `${JSON.stringify(c, null, 2)}\n`);
    console.log(`${code}: ${c.items.length} items`);
  }
}
