package sim

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// Parametric QR codes: /cgi-bin/qrcode/create answers a ticket and the
// URL the code encodes, and /sim/api/scan makes a simulated user scan a
// code, which sends the account the SCAN event with the code's scene.

func init() {
	endpoints["/cgi-bin/qrcode/create"] = endpoint{"qrcode", http.MethodPost, true, (*Server).apiQRCreate}
}

type qrReq struct {
	ExpireSeconds *int   `json:"expire_seconds"`
	ActionName    string `json:"action_name"`
	ActionInfo    struct {
		Scene struct {
			SceneID  *int   `json:"scene_id"`
			SceneStr string `json:"scene_str"`
		} `json:"scene"`
	} `json:"action_info"`
}

// qrURLPrefix is what every simulated code encodes, followed by its ticket.
const qrURLPrefix = "http://weixin.qq.com/q/sim-"

func (s *Server) apiQRCreate(_ *http.Request, body []byte) (obj, *apiError) {
	var req qrReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	scene := req.ActionInfo.Scene.SceneStr
	switch req.ActionName {
	case "QR_STR_SCENE", "QR_LIMIT_STR_SCENE":
		if scene == "" || len(scene) > 64 {
			return nil, failMsg(40009, "invalid scene_str")
		}
	case "QR_SCENE", "QR_LIMIT_SCENE":
		if req.ActionInfo.Scene.SceneID == nil || *req.ActionInfo.Scene.SceneID <= 0 {
			return nil, failMsg(40009, "invalid scene_id")
		}
		scene = strconv.Itoa(*req.ActionInfo.Scene.SceneID)
	default:
		return nil, failMsg(40053, "invalid action_name")
	}
	out := obj{}
	if strings.HasPrefix(req.ActionName, "QR_LIMIT") {
		req.ExpireSeconds = nil
	} else {
		exp := 30
		if req.ExpireSeconds != nil {
			exp = *req.ExpireSeconds
		}
		out["expire_seconds"] = min(max(exp, 60), 2592000)
	}
	// The ticket carries the scene, so any instance reads it back.
	ticket := base64.RawURLEncoding.EncodeToString([]byte(scene))
	out["ticket"] = ticket
	out["url"] = qrURLPrefix + ticket
	return out, nil
}

// ScanHandler serves POST /sim/api/scan?openid=X&scene=Y (or ticket=T):
// the simulated user X scans the code, and send delivers the SCAN event
// (content "SCAN:<scene>") to the bot like the simulator page's messages.
// It answers {"reply": the bot's answer}.
func (s *Server) ScanHandler(send func(ctx context.Context, openid, msgType, content string) (string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "POST only"})
			return
		}
		q := r.URL.Query()
		openid, scene := strings.TrimSpace(q.Get("openid")), q.Get("scene")
		if t := q.Get("ticket"); scene == "" && t != "" {
			b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(t, qrURLPrefix))
			if err == nil {
				scene = string(b)
			}
		}
		if openid == "" || scene == "" || len(openid) > 64 || len(scene) > 64 {
			writeJSON(w, http.StatusBadRequest, obj{"error": "openid and scene (or ticket) are required"})
			return
		}
		s.Follow(openid)
		reply, err := send(r.Context(), openid, "event", "SCAN:"+scene)
		if err != nil {
			writeJSON(w, http.StatusBadGateway, obj{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, obj{"reply": reply})
	})
}
