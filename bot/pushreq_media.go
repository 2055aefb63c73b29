package bot

// VoiceXML is the push of a voice message from openid with speech
// recognition on: WeChat sends the recognised text in Recognition.
func VoiceXML(openid, recognition, mediaID string, msgID int64) []byte {
	return pushXML(openid, TypeVoice, msgID, "<MediaId><![CDATA["+cdata(mediaID)+"]]></MediaId>"+
		"<Format><![CDATA[amr]]></Format><Recognition><![CDATA["+cdata(recognition)+"]]></Recognition>")
}

// ImageXML is the push of an image message from openid.
func ImageXML(openid, picURL, mediaID string, msgID int64) []byte {
	return pushXML(openid, TypeImage, msgID, "<PicUrl><![CDATA["+cdata(picURL)+"]]></PicUrl>"+
		"<MediaId><![CDATA["+cdata(mediaID)+"]]></MediaId>")
}
