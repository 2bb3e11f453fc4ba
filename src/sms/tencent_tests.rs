use super::*;

const URL: &str = "tencent://AKIDexample:s3cr%2Ft@sms.tencentcloudapi.com/?app=1400000000&sign=%E5%94%AE%E5%90%8E%E7%9D%A3%E5%8A%9E&template=123456&region=ap-shanghai&template.receipt=234567";

#[test]
fn a_full_url_gives_every_setting() {
    let t = Tencent::parse(URL).unwrap();
    assert_eq!(t.endpoint(), "https://sms.tencentcloudapi.com/");
    assert_eq!((t.secret_id.as_str(), t.secret_key.as_str()), ("AKIDexample", "s3cr/t"), "percent-decoded");
    assert_eq!((t.app.as_str(), t.sign.as_str(), t.template.as_str()), ("1400000000", "售后督办", "123456"));
    assert_eq!(t.region, "ap-shanghai");
    assert_eq!(t.templates.get("receipt").map(String::as_str), Some("234567"));
}

#[test]
fn the_sign_may_be_written_as_it_reads_and_the_region_has_a_default() {
    let t = Tencent::parse("tencent+http://id:key@127.0.0.1:8080/?app=1400000001&sign=售后督办&template=1").unwrap();
    assert_eq!(t.endpoint(), "http://127.0.0.1:8080/");
    assert_eq!(t.sign, "售后督办");
    assert_eq!(t.region, "ap-guangzhou");
    assert!(t.templates.is_empty());
}

#[test]
fn the_schemes_own_port_is_left_out_as_the_host_header_leaves_it() {
    let t = Tencent::parse("tencent://id:key@tencent.example.cn:443/?app=1&sign=s&template=1").unwrap();
    assert_eq!(t.host, "tencent.example.cn");
    let t = Tencent::parse("tencent+http://id:key@127.0.0.1:8443/?app=1&sign=s&template=1").unwrap();
    assert_eq!(t.host, "127.0.0.1:8443");
}

#[test]
fn a_bad_url_says_what_is_wrong_naming_sms_url_and_never_the_key() {
    let cases = [
        ("aliyun://id:TOPSECRET@x/?app=1&sign=s&template=1", "scheme"),
        ("tencent://sms.tencentcloudapi.com/?app=1&sign=s&template=1", "SECRET_ID"),
        ("tencent://id@sms.tencentcloudapi.com/?app=1&sign=s&template=1", "SECRET_KEY"),
        ("tencent://id:TOPSECRET@/?app=1&sign=s&template=1", "host"),
        ("tencent://id:TOPSECRET@h/?sign=s&template=1", "app="),
        ("tencent://id:TOPSECRET@h/?app=14x&sign=s&template=1", "not a number"),
        ("tencent://id:TOPSECRET@h/?app=1&template=1", "sign="),
        ("tencent://id:TOPSECRET@h/?app=1&sign=s", "template="),
        ("tencent://id:TOPSECRET@h/?app=1&sign=s&template=1&templat=2", "unknown setting"),
        ("tencent://id:TOPSECRET@h/?app=1&sign=s&template=1&template.receipt=x", "not a number"),
        ("tencent://id:TOPSECRET@h/?app=1&app=2&sign=s&template=1", "twice"),
        ("tencent://id:TOPSECRET@h/sms?app=1&sign=s&template=1", "path"),
    ];
    for (url, says) in cases {
        let error = Tencent::parse(url).err().unwrap_or_else(|| panic!("{url} accepted"));
        assert!(error.starts_with("SMS_URL: ") && error.contains(says), "{url}: {error}");
        assert!(!error.contains("TOPSECRET"), "{url}: the key shown: {error}");
    }
}

#[test]
fn the_debug_form_has_no_key() {
    let shown = format!("{:?}", Tencent::parse(URL).unwrap());
    assert!(shown.contains("AKIDexample") && !shown.contains("s3cr"), "{shown}");
}

fn status(code: &str) -> String {
    format!(
        r#"{{"Response":{{"SendStatusSet":[{{"SerialNo":"2433:1","PhoneNumber":"+8613800138000","Fee":1,"SessionContext":"x","Code":"{code}","Message":"words for 13800138000","IsoCode":"CN"}}],"RequestId":"a0aabda6"}}}}"#
    )
}

fn error(code: &str) -> String {
    format!(r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"words"}},"RequestId":"b1"}}}}"#)
}

#[test]
fn ok_is_delivered() {
    assert_eq!(answered(200, &status("Ok")), Ok(()));
}

#[test]
fn throttling_and_tencents_own_trouble_are_tried_again() {
    for body in [
        status("LimitExceeded.PhoneNumberThirtySecondLimit"),
        status("LimitExceeded.PhoneNumberDailyLimit"),
        error("RequestLimitExceeded"),
        error("InternalError.Timeout"),
    ] {
        let e = answered(200, &body).unwrap_err();
        assert!(!e.permanent, "{body}: {e:?}");
    }
    for (status, body) in [(502, "<html>bad gateway</html>".to_owned()), (503, error("InternalError"))] {
        assert!(!answered(status, &body).unwrap_err().permanent, "{status}");
    }
}

#[test]
fn a_wrong_number_a_bad_template_or_a_bad_key_are_given_up() {
    for body in [
        status("InvalidParameterValue.IncorrectPhoneNumber"),
        status("FailedOperation.TemplateIncorrectOrUnapproved"),
        error("AuthFailure.SignatureFailure"),
        error("AuthFailure.SecretIdNotFound"),
        error("UnauthorizedOperation.SmsSdkAppIdVerifyFail"),
    ] {
        let e = answered(200, &body).unwrap_err();
        assert!(e.permanent, "{body}: {e:?}");
        assert!(e.message.contains("words"), "the provider's message kept: {e:?}");
    }
    assert!(answered(403, "forbidden").unwrap_err().permanent, "a 4xx without JSON");
}

#[test]
fn the_error_names_the_code() {
    let e = answered(200, &status("InvalidParameterValue.IncorrectPhoneNumber")).unwrap_err();
    assert!(e.message.starts_with("InvalidParameterValue.IncorrectPhoneNumber: "), "{e:?}");
}
