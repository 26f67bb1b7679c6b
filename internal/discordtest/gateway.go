package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/websocket"
)

// gateway is the fake's gateway state; Server.mu guards it, and every write
// to the connection happens under that lock, so frames never interleave.
type gateway struct {
	heartbeatMS int
	conn        *websocket.Conn
	live        bool // identified or resumed: dispatches go out at once
	sessionID   string
	seq         int64
	history     []frame // every dispatch of the session, replayed on resume
	stats       GatewayStats
}

// GatewayStats counts what the fake's gateway has seen.
type GatewayStats struct {
	Connections int
	Identifies  int
	Resumes     int
	Heartbeats  int
	// Intents are those of the last IDENTIFY.
	Intents int64
	// Status is the presence status of the last IDENTIFY, such as
	// "online"; Discord takes online, dnd, idle, invisible and offline.
	Status string
	// Connected reports whether a session is identified or resumed now.
	Connected bool
}

type frame struct {
	Op   int             `json:"op"`
	D    json.RawMessage `json:"d"`
	S    int64           `json:"s,omitempty"`
	Type string          `json:"t,omitempty"`
}

// Gateway returns the gateway's counters.
func (s *Server) Gateway() GatewayStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.gw.stats
	st.Connected = s.gw.conn != nil && s.gw.live
	return st
}

func (s *Server) gatewayURL() string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"
}

// DropGateway closes the gateway connection abruptly, as a network failure
// would; the session keeps its ID, so the bot can resume it.
func (s *Server) DropGateway() {
	s.mu.Lock()
	c := s.gw.conn
	s.gw.conn, s.gw.live = nil, false
	s.notify()
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Dispatch sends a gateway event (op 0) such as INTERACTION_CREATE. While
// no session is connected it is only kept, and replayed on resume.
func (s *Server) Dispatch(event string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		panic("discordtest: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatch(event, raw)
}

// dispatch numbers and records an event and sends it if a session is live.
// The caller holds s.mu.
func (s *Server) dispatch(event string, raw json.RawMessage) {
	s.gw.seq++
	f := frame{Op: 0, D: raw, S: s.gw.seq, Type: event}
	s.gw.history = append(s.gw.history, f)
	if s.gw.conn != nil && s.gw.live {
		s.write(s.gw.conn, f)
	}
	s.notify()
}

// write sends a frame; a failed write drops the connection. The caller
// holds s.mu.
func (s *Server) write(c *websocket.Conn, f frame) {
	if err := c.WriteJSON(f); err != nil && s.gw.conn == c {
		s.gw.conn, s.gw.live = nil, false
		c.Close()
	}
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	old := s.gw.conn
	s.gw.conn, s.gw.live = c, false
	s.gw.stats.Connections++
	s.write(c, frame{Op: 10, D: json.RawMessage(`{"heartbeat_interval":` + strconv.Itoa(s.gw.heartbeatMS) + `}`)})
	s.notify()
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	defer c.Close()

	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			s.mu.Lock()
			if s.gw.conn == c {
				s.gw.conn, s.gw.live = nil, false
			}
			s.notify()
			s.mu.Unlock()
			return
		}
		var f frame
		if json.Unmarshal(data, &f) != nil {
			continue
		}
		if !s.receive(c, f) {
			return
		}
	}
}

// receive handles one frame from the bot; false ends the connection.
func (s *Server) receive(c *websocket.Conn, f frame) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notify()
	if s.gw.conn != c {
		return false
	}
	switch f.Op {
	case 1: // heartbeat
		s.gw.stats.Heartbeats++
		s.write(c, frame{Op: 11})
	case 2: // identify
		var id struct {
			Token    string `json:"token"`
			Intents  int64  `json:"intents"`
			Presence struct {
				Status string `json:"status"`
			} `json:"presence"`
		}
		_ = json.Unmarshal(f.D, &id)
		s.gw.stats.Identifies++
		s.gw.stats.Intents = id.Intents
		s.gw.stats.Status = id.Presence.Status
		if id.Token != "Bot "+s.Token {
			_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
			s.gw.conn = nil
			return false
		}
		s.gw.sessionID = "session-" + s.snowflake()
		s.gw.seq, s.gw.history, s.gw.live = 0, nil, true
		ready, _ := json.Marshal(map[string]any{
			"v": 9, "session_id": s.gw.sessionID, "user": botUser(),
			"application":        map[string]any{"id": AppID, "flags": 0},
			"guilds":             []any{map[string]any{"id": GuildID, "unavailable": true}},
			"resume_gateway_url": s.gatewayURL(), "private_channels": []any{},
		})
		s.dispatch("READY", ready)
	case 6: // resume
		var rs struct {
			Token     string `json:"token"`
			SessionID string `json:"session_id"`
			Seq       int64  `json:"seq"`
		}
		_ = json.Unmarshal(f.D, &rs)
		if rs.Token != "Bot "+s.Token || rs.SessionID != s.gw.sessionID {
			s.write(c, frame{Op: 9, D: json.RawMessage("false")})
			return true
		}
		s.gw.stats.Resumes++
		s.gw.live = true
		for _, h := range s.gw.history {
			if h.S > rs.Seq {
				s.write(c, h)
			}
		}
		s.dispatch("RESUMED", json.RawMessage(`{}`))
	}
	return true
}
