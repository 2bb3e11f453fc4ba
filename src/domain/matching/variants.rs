//! Traditional characters and their simplified forms: the common ones of
//! complaints and of the risk rules' words (health claims, payments,
//! counterfeits, personal data, family), some twelve hundred, one to one, so
//! that a match keeps its place in the text. No crate of crates.io fits
//! for this: `zhconv` is GPL and builds OpenCC's tables at compile time,
//! `fast2s` and `simplet2s` are unmaintained; a character table, tested to
//! be one to one and to fold once, is all that matching needs.

use std::sync::LazyLock;

/// Pairs of a traditional character and its simplified form, written
/// side by side.
const PAIRS: &[&str] = &[
    "愛爱礙碍罷罢擺摆敗败辦办幫帮綁绑寶宝報报飽饱貝贝備备筆笔畢毕幣币閉闭邊边編编變变標标錶表別别賓宾",
    "餅饼撥拨補补財财參参蠶蚕殘残慘惨倉仓艙舱廁厕側侧測测層层產产長长場场嘗尝廠厂暢畅車车徹彻塵尘陳陈",
    "襯衬稱称懲惩誠诚遲迟馳驰齒齿衝冲蟲虫醜丑籌筹處处觸触傳传創创瘡疮純纯詞词辭辞從从聰聪叢丛湊凑錯错",
    "達达帶带貸贷單单擔担膽胆彈弹當当黨党檔档導导燈灯鄧邓敵敌遞递點点電电墊垫釣钓調调訂订釘钉頂顶東东",
    "動动棟栋凍冻鬥斗獨独讀读賭赌鍍镀斷断緞缎隊队對对噸吨頓顿奪夺墮堕鵝鹅額额兒儿爾尔餌饵發发髮发罰罚",
    "閥阀範范飯饭訪访紡纺飛飞廢废費费紛纷墳坟奮奋憤愤糞粪豐丰楓枫鋒锋風风瘋疯馮冯縫缝諷讽鳳凤膚肤輻辐",
    "撫抚輔辅賦赋復复複复負负訃讣婦妇縛缚該该鈣钙蓋盖幹干趕赶稈秆岡冈剛刚鋼钢綱纲崗岗鎬镐擱搁鴿鸽閣阁",
    "鉻铬個个給给鞏巩貢贡溝沟構构購购夠够穀谷顧顾僱雇颳刮關关觀观館馆慣惯貫贯廣广規规歸归龜龟閨闺軌轨",
    "詭诡櫃柜貴贵劊刽輥辊滾滚鍋锅國国過过駭骇韓韩漢汉號号賀贺橫横轟轰鴻鸿紅红後后護护滬沪畫画劃划話话",
    "華华嘩哗懷怀壞坏歡欢環环還还緩缓換换喚唤黃黄謊谎揮挥輝辉毀毁賄贿穢秽會会燴烩匯汇諱讳誨诲繪绘葷荤",
    "渾浑夥伙獲获貨货禍祸擊击機机積积饑饥跡迹譏讥雞鸡績绩緝缉極极輯辑級级擠挤幾几薊蓟劑剂濟济計计記记",
    "際际繼继紀纪夾夹莢荚頰颊賈贾鉀钾價价駕驾殲歼監监堅坚箋笺間间艱艰緘缄繭茧檢检減减薦荐檻槛鑒鉴踐践",
    "賤贱見见鍵键艦舰劍剑餞饯漸渐濺溅澗涧將将漿浆蔣蒋槳桨獎奖講讲醬酱膠胶澆浇驕骄嬌娇攪搅鉸铰矯矫僥侥",
    "腳脚餃饺繳缴絞绞轎轿較较階阶節节潔洁結结誡诫屆届緊紧錦锦僅仅謹谨進进晉晋燼烬盡尽儘尽勁劲荊荆莖茎",
    "鯨鲸驚惊經经頸颈靜静鏡镜徑径競竞淨净糾纠廄厩舊旧駒驹舉举據据鋸锯懼惧劇剧鵑鹃絹绢覺觉決决訣诀絕绝",
    "鈞钧軍军駿骏開开凱凯顆颗殼壳課课墾垦懇恳摳抠庫库褲裤誇夸塊块儈侩寬宽礦矿曠旷況况虧亏巋岿窺窥饋馈",
    "潰溃擴扩闊阔蠟蜡臘腊萊莱來来賴赖藍蓝欄栏攔拦籃篮闌阑蘭兰瀾澜讕谰攬揽覽览懶懒纜缆爛烂濫滥撈捞勞劳",
    "澇涝樂乐鐳镭壘垒類类淚泪籬篱離离裡里裏里鯉鲤禮礼麗丽厲厉勵励礫砾歷历曆历瀝沥隸隶倆俩聯联蓮莲連连",
    "鐮镰憐怜漣涟簾帘斂敛臉脸鏈链戀恋煉炼練练糧粮涼凉兩两輛辆諒谅療疗遼辽鐐镣獵猎臨临鄰邻鱗鳞凜凛賃赁",
    "齡龄鈴铃靈灵嶺岭領领餾馏劉刘龍龙聾聋嚨咙籠笼壟垄攏拢隴陇樓楼婁娄摟搂簍篓蘆芦盧卢顱颅廬庐爐炉擄掳",
    "鹵卤虜虏魯鲁賂赂祿禄錄录陸陆驢驴呂吕鋁铝侶侣屢屡縷缕慮虑濾滤綠绿巒峦攣挛孿孪灤滦亂乱掄抡輪轮倫伦",
    "侖仑淪沦綸纶論论蘿萝羅罗邏逻鑼锣籮箩騾骡駱骆絡络媽妈瑪玛碼码螞蚂馬马罵骂嗎吗買买麥麦賣卖邁迈脈脉",
    "瞞瞒饅馒蠻蛮滿满謾谩貓猫錨锚鉚铆貿贸麼么沒没鎂镁門门悶闷們们錳锰夢梦謎谜彌弥覓觅綿绵緬缅廟庙滅灭",
    "憫悯閩闽鳴鸣銘铭謬谬謀谋畝亩鈉钠納纳難难撓挠腦脑惱恼鬧闹餒馁內内擬拟膩腻攆撵釀酿鳥鸟聶聂鑷镊鎳镍",
    "檸柠獰狞寧宁擰拧濘泞鈕钮紐纽膿脓濃浓農农瘧疟諾诺歐欧鷗鸥毆殴嘔呕漚沤盤盘龐庞賠赔噴喷鵬鹏騙骗飄飘",
    "頻频貧贫蘋苹憑凭評评潑泼頗颇撲扑鋪铺樸朴譜谱臍脐齊齐騎骑豈岂啟启氣气棄弃訖讫牽牵鉛铅遷迁簽签謙谦",
    "錢钱鉗钳潛潜淺浅譴谴塹堑槍枪嗆呛牆墙薔蔷強强搶抢鍬锹橋桥喬乔僑侨翹翘竅窍竊窃欽钦親亲寢寝輕轻氫氢",
    "傾倾頃顷請请慶庆瓊琼窮穷趨趋區区軀躯驅驱齲龋顴颧權权勸劝卻却鵲鹊確确讓让饒饶擾扰繞绕熱热韌韧認认",
    "紉纫榮荣絨绒軟软銳锐閏闰潤润灑洒薩萨鰓鳃賽赛傘伞喪丧騷骚掃扫澀涩殺杀紗纱篩筛曬晒刪删閃闪陝陕贍赡",
    "繕缮傷伤賞赏燒烧紹绍賒赊攝摄懾慑設设紳绅審审嬸婶腎肾滲渗聲声繩绳勝胜聖圣師师獅狮濕湿詩诗屍尸時时",
    "蝕蚀實实識识駛驶勢势適适釋释飾饰視视試试壽寿獸兽樞枢輸输書书贖赎屬属術术樹树豎竖數数帥帅雙双誰谁",
    "稅税順顺說说碩硕爍烁絲丝飼饲聳耸慫怂頌颂訟讼誦诵擻擞蘇苏訴诉肅肃雖虽隨随綏绥歲岁孫孙損损筍笋縮缩",
    "瑣琐鎖锁獺獭撻挞態态攤摊貪贪癱瘫灘滩壇坛譚谭談谈歎叹湯汤燙烫濤涛絛绦討讨騰腾謄誊銻锑題题體体屜屉",
    "條条貼贴鐵铁廳厅聽听烴烃銅铜統统頭头禿秃圖图塗涂團团頹颓蛻蜕脫脱鴕鸵馱驮駝驼橢椭窪洼襪袜彎弯灣湾",
    "頑顽萬万網网韋韦違违圍围為为濰潍維维葦苇偉伟偽伪緯纬謂谓衛卫溫温聞闻紋纹穩稳問问甕瓮撾挝蝸蜗渦涡",
    "窩窝臥卧嗚呜鎢钨烏乌誣诬無无蕪芜吳吴塢坞霧雾務务誤误錫锡犧牺襲袭習习銑铣戲戏細细蝦虾轄辖峽峡俠侠",
    "狹狭廈厦嚇吓鮮鲜纖纤鹹咸賢贤銜衔閒闲閑闲顯显險险現现獻献縣县餡馅羨羡憲宪線线廂厢鑲镶鄉乡詳详響响",
    "項项蕭萧囂嚣銷销曉晓嘯啸協协挾挟攜携脅胁諧谐寫写瀉泻謝谢鋅锌釁衅興兴洶汹鏽锈繡绣虛虚噓嘘須须鬚须",
    "許许敘叙緒绪續续軒轩懸悬選选癬癣絢绚學学勳勋詢询尋寻馴驯訓训訊讯遜逊壓压鴉鸦鴨鸭啞哑亞亚訝讶閹阉",
    "煙烟鹽盐嚴严顏颜閻阎豔艳厭厌硯砚彥彦諺谚驗验鴦鸯楊杨揚扬瘍疡陽阳癢痒養养樣样瑤瑶搖摇堯尧遙遥窯窑",
    "謠谣藥药爺爷頁页業业葉叶醫医銥铱頤颐遺遗儀仪蟻蚁藝艺億亿憶忆義义詣诣議议誼谊譯译異异繹绎蔭荫陰阴",
    "銀银飲饮隱隐櫻樱嬰婴鷹鹰應应纓缨瑩莹螢萤營营熒荧蠅蝇贏赢穎颖喲哟擁拥傭佣癰痈踴踊詠咏湧涌優优憂忧",
    "郵邮鈾铀猶犹誘诱輿舆魚鱼漁渔娛娱與与嶼屿語语籲吁禦御獄狱譽誉預预馭驭鴛鸳淵渊轅辕園园員员圓圆緣缘",
    "遠远願愿約约躍跃鑰钥嶽岳粵粤悅悦閱阅雲云鄖郧勻匀隕陨運运蘊蕴醞酝暈晕韻韵雜杂災灾載载攢攒暫暂贊赞",
    "贓赃髒脏鑿凿棗枣竈灶責责擇择則则澤泽賊贼贈赠紮扎軋轧鍘铡閘闸詐诈齋斋債债氈毡盞盏斬斩輾辗嶄崭棧栈",
    "戰战綻绽張张漲涨帳帐賬账脹胀趙赵蟄蛰轍辙鍺锗這这貞贞針针偵侦診诊鎮镇陣阵掙挣睜睁猙狰爭争幀帧鄭郑",
    "證证織织職职執执紙纸摯挚擲掷幟帜質质滯滞鐘钟鍾钟終终種种腫肿眾众衆众謅诌軸轴皺皱晝昼驟骤豬猪諸诸",
    "誅诛燭烛矚瞩囑嘱貯贮鑄铸築筑駐驻專专磚砖轉转賺赚樁桩莊庄裝装妝妆壯壮狀状錐锥贅赘墜坠綴缀諄谆準准",
    "濁浊茲兹資资漬渍蹤踪綜综總总縱纵鄒邹詛诅組组鑽钻癒愈臺台颱台檯台製制麵面鬆松隻只於于佔占週周迴回",
    "捨舍嚮向鬍胡鬱郁纔才傢家餘余",
];

/// The pairs, sorted by the traditional character.
static TABLE: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    let mut table: Vec<(char, char)> = PAIRS
        .iter()
        .flat_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            chars.chunks(2).map(|p| (p[0], p[1])).collect::<Vec<_>>()
        })
        .collect();
    table.sort_unstable();
    table
});

/// The simplified form of `c`, or `c` itself.
pub fn simplified(c: char) -> char {
    // Every traditional character of the table is a CJK ideograph.
    if (c as u32) < 0x4E00 {
        return c;
    }
    match TABLE.binary_search_by_key(&c, |(t, _)| *t) {
        Ok(i) => TABLE[i].1,
        Err(_) => c,
    }
}

/// The table's pairs (traditional, simplified), sorted.
#[cfg(test)]
pub(super) fn pairs() -> &'static [(char, char)] {
    &TABLE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_one_to_one_and_folds_once() {
        assert!(PAIRS.iter().all(|line| line.chars().count() % 2 == 0), "every traditional character has its form");
        let table = pairs();
        assert!(table.len() > 900, "{}", table.len());
        for w in table.windows(2) {
            assert_ne!(w[0].0, w[1].0, "{} is in the table twice", w[0].0);
        }
        for (t, s) in table {
            assert_ne!(t, s, "{t} is its own simplified form");
            assert!((*t as u32) >= 0x4E00, "{t} is below the ideographs");
            assert_eq!(simplified(*s), *s, "{s} (from {t}) would fold again");
        }
    }

    #[test]
    fn the_risk_words_traditional_spellings_fold_to_the_simplified() {
        for (trad, simp) in [
            ("治癒", "治愈"),
            ("降血壓", "降血压"),
            ("藥到病除", "药到病除"),
            ("私下轉賬", "私下转账"),
            ("掃碼付款", "扫码付款"),
            ("線下交易", "线下交易"),
            ("爺爺", "爷爷"),
            ("假貨", "假货"),
            ("身份證", "身份证"),
            ("驗證碼", "验证码"),
            ("銀行卡號", "银行卡号"),
            ("人臉識別", "人脸识别"),
            ("老年", "老年"),
        ] {
            let folded: String = trad.chars().map(simplified).collect();
            assert_eq!(folded, simp);
        }
    }
}
