package sim

import (
	"net/http"
	"slices"
	"strings"
)

// ---- users and tags ----

// apiUserInfo: GET /cgi-bin/user/info. Unknown users and non-followers
// answer subscribe 0 with only openid and tagid_list.
func (s *Server) apiUserInfo(r *http.Request, _ []byte) (obj, *apiError) {
	openid := r.URL.Query().Get("openid")
	if openid == "" {
		return nil, fail(40003)
	}
	u := s.users[openid]
	tags := []int32{}
	if u != nil {
		tags = append(tags, u.tags...)
	}
	if u == nil || !u.following {
		return withoutStatus(obj{"subscribe": 0, "openid": openid, "tagid_list": tags}), nil
	}
	return withoutStatus(obj{
		"subscribe": 1, "openid": openid, "nickname": "", "sex": 0, "language": "zh_CN",
		"city": "", "province": "", "country": "", "headimgurl": "",
		"subscribe_time": u.subscribeTime.Unix(), "remark": "", "groupid": 0,
		"tagid_list": tags, "subscribe_scene": "ADD_SCENE_OTHERS", "qr_scene": 0, "qr_scene_str": "",
	}), nil
}

func (s *Server) tagLocked(id int32) *tag {
	for _, t := range s.tags {
		if t.id == id {
			return t
		}
	}
	return nil
}

// validTagNameLocked checks a new tag name (except for tag id `self`).
func (s *Server) validTagNameLocked(name string, self int32) *apiError {
	if strings.TrimSpace(name) == "" {
		return fail(45157)
	}
	if len(name) > 30 {
		return fail(45158)
	}
	for _, t := range s.tags {
		if t.name == name && t.id != self {
			return failMsg(45157, "invalid tag name, tag name already exists")
		}
	}
	return nil
}

type tagBody struct {
	Tag struct {
		ID   int32  `json:"id"`
		Name string `json:"name"`
	} `json:"tag"`
}

// apiTagCreate: POST /cgi-bin/tags/create. Empty or duplicate name → 45157,
// name over 30 bytes → 45158, more than 100 tags → 45056. Ids start at 100.
func (s *Server) apiTagCreate(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if e := s.validTagNameLocked(req.Tag.Name, -1); e != nil {
		return nil, e
	}
	if len(s.tags) >= 100 {
		return nil, fail(45056)
	}
	t := &tag{id: s.nextTag, name: req.Tag.Name}
	s.nextTag++
	s.tags = append(s.tags, t)
	return obj{"tag": obj{"id": t.id, "name": t.name}}, nil
}

func (s *Server) tagCountLocked(id int32) int {
	n := 0
	for _, u := range s.users {
		if u.following && slices.Contains(u.tags, id) {
			n++
		}
	}
	return n
}

// apiTagGet: GET /cgi-bin/tags/get → {tags:[{id,name,count}]}.
func (s *Server) apiTagGet(_ *http.Request, _ []byte) (obj, *apiError) {
	list := []obj{}
	for _, t := range s.tags {
		list = append(list, obj{"id": t.id, "name": t.name, "count": s.tagCountLocked(t.id)})
	}
	return withoutStatus(obj{"tags": list}), nil
}

// apiTagUpdate: POST /cgi-bin/tags/update {tag:{id,name}}.
func (s *Server) apiTagUpdate(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	t := s.tagLocked(req.Tag.ID)
	if t == nil {
		return nil, fail(45159)
	}
	if e := s.validTagNameLocked(req.Tag.Name, t.id); e != nil {
		return nil, e
	}
	t.name = req.Tag.Name
	return nil, nil
}

// apiTagDelete: POST /cgi-bin/tags/delete {tag:{id}}; untags every user.
func (s *Server) apiTagDelete(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if s.tagLocked(req.Tag.ID) == nil {
		return nil, fail(45159)
	}
	s.tags = slices.DeleteFunc(s.tags, func(t *tag) bool { return t.id == req.Tag.ID })
	for _, u := range s.users {
		u.tags = slices.DeleteFunc(u.tags, func(id int32) bool { return id == req.Tag.ID })
	}
	return nil, nil
}

type batchTagReq struct {
	OpenIDList []string `json:"openid_list"`
	TagID      int32    `json:"tagid"`
}

// checkBatchLocked validates a batch (un)tagging request: 1..50 openids
// (else 40032), an existing tag (else 45159), followers only (else 40003).
func (s *Server) checkBatchLocked(body []byte) (*batchTagReq, *apiError) {
	var req batchTagReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if len(req.OpenIDList) == 0 || len(req.OpenIDList) > 50 {
		return nil, fail(40032)
	}
	if s.tagLocked(req.TagID) == nil {
		return nil, fail(45159)
	}
	for _, id := range req.OpenIDList {
		if u := s.users[id]; u == nil || !u.following {
			return nil, failMsg(40003, "invalid openid: "+id)
		}
	}
	return &req, nil
}

// apiBatchTagging: POST /cgi-bin/tags/members/batchtagging. All or nothing:
// if any listed user already has 20 tags (and not this one) → 45059.
func (s *Server) apiBatchTagging(_ *http.Request, body []byte) (obj, *apiError) {
	req, e := s.checkBatchLocked(body)
	if e != nil {
		return nil, e
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		if !slices.Contains(u.tags, req.TagID) && len(u.tags) >= 20 {
			return nil, fail(45059)
		}
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		if !slices.Contains(u.tags, req.TagID) {
			u.tags = append(u.tags, req.TagID)
		}
	}
	return nil, nil
}

// apiBatchUntagging: POST /cgi-bin/tags/members/batchuntagging.
func (s *Server) apiBatchUntagging(_ *http.Request, body []byte) (obj, *apiError) {
	req, e := s.checkBatchLocked(body)
	if e != nil {
		return nil, e
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		u.tags = slices.DeleteFunc(u.tags, func(t int32) bool { return t == req.TagID })
	}
	return nil, nil
}

// apiTagIDList: POST /cgi-bin/tags/getidlist {openid} → {tagid_list}.
func (s *Server) apiTagIDList(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		OpenID string `json:"openid"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	u := s.users[req.OpenID]
	if req.OpenID == "" || u == nil {
		return nil, fail(40003)
	}
	return obj{"tagid_list": append([]int32{}, u.tags...)}, nil
}

// apiTagUsers: POST /cgi-bin/user/tag/get {tagid,next_openid}; all
// followers with the tag in one page.
func (s *Server) apiTagUsers(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		TagID int32 `json:"tagid"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if s.tagLocked(req.TagID) == nil {
		return nil, fail(45159)
	}
	ids := []string{}
	for _, id := range s.sortedFollowersLocked() {
		if slices.Contains(s.users[id].tags, req.TagID) {
			ids = append(ids, id)
		}
	}
	next := ""
	if len(ids) > 0 {
		next = ids[len(ids)-1]
	}
	return obj{"count": len(ids), "data": obj{"openid": ids}, "next_openid": next}, nil
}
