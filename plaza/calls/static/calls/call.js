// A Dudu call: WebRTC audio mesh (one RTCPeerConnection per other participant, up to 8
// people). Offers, answers and ICE candidates travel as "call.signal" over the page socket
// (window.plazaLive from plaza-live.js); the server relays them only between participants.
// Whoever joins makes the offers to those already in the call; the others answer.
(function () {
  "use strict";
  var root = document.querySelector("[data-call]");
  if (!root) return;
  var callId = Number(root.dataset.callId);
  var me = Number(root.dataset.me);
  var iceServers = [];
  try { iceServers = JSON.parse(root.dataset.ice || "[]"); } catch (e) { iceServers = []; }
  var t = root.dataset;
  var status = root.querySelector("[data-call-status]");
  var people = root.querySelector("[data-call-people]");
  var joinButton = root.querySelector("[data-call-join]");
  var muteButton = root.querySelector("[data-call-mute]");
  var leaveButton = root.querySelector("[data-call-leave]");
  var audioBox = root.querySelector("[data-call-audio]");
  var api = "/api/v1/calls/" + callId;
  var local = null;   // MediaStream of the microphone
  var peers = {};     // user id -> {pc, audio}
  var joined = false;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function post(url, keepalive) {
    return fetch(url, { method: "POST", credentials: "same-origin", keepalive: !!keepalive,
                        headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json" }, body: "{}" })
      .then(function (r) { if (!r.ok) throw r; return r.json(); });
  }

  function signal(to, payload) {
    if (window.plazaLive) window.plazaLive.send({ type: "call.signal", call_id: callId, to: to, payload: payload });
  }

  function setState(userId, text) {
    var li = people.querySelector('[data-user="' + userId + '"] [data-state]');
    if (li) li.textContent = text;
  }

  function render(call) {
    call.participants.forEach(function (p) {
      var li = people.querySelector('[data-user="' + p.user.id + '"]');
      if (!li) return;
      var state = p.in_call ? t.tInCall : (p.left_at ? t.tLeft : t.tWaiting);
      if (p.in_call && peers[p.user.id]) {
        var s = peers[p.user.id].pc.connectionState;
        state += " · " + (s === "connected" ? t.tConnected : t.tConnecting);
      }
      li.querySelector("[data-state]").textContent = state;
    });
    if (!call.active) ended();
  }

  function refresh() {
    fetch(api, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (call) {
      if (call) render(call);
    });
  }

  function peer(userId) {
    if (peers[userId]) return peers[userId].pc;
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    var audio = document.createElement("audio");
    audio.autoplay = true;
    audioBox.append(audio);
    peers[userId] = { pc: pc, audio: audio };
    if (local) local.getTracks().forEach(function (track) { pc.addTrack(track, local); });
    pc.addEventListener("icecandidate", function (event) {
      if (event.candidate) signal(userId, { kind: "ice", candidate: event.candidate.toJSON() });
    });
    pc.addEventListener("track", function (event) { audio.srcObject = event.streams[0]; });
    pc.addEventListener("connectionstatechange", function () {
      setState(userId, t.tInCall + " · " + (pc.connectionState === "connected" ? t.tConnected : t.tConnecting));
      if (pc.connectionState === "failed") drop(userId);
    });
    return pc;
  }

  function drop(userId) {
    var p = peers[userId];
    if (!p) return;
    p.pc.close();
    p.audio.remove();
    delete peers[userId];
  }

  function offer(userId) {
    var pc = peer(userId);
    pc.createOffer().then(function (description) {
      return pc.setLocalDescription(description);
    }).then(function () {
      signal(userId, { kind: "offer", sdp: pc.localDescription.toJSON() });
    });
  }

  function onSignal(from, payload) {
    if (!joined) return;
    var pc = peer(from);
    if (payload.kind === "offer") {
      pc.setRemoteDescription(payload.sdp).then(function () {
        return pc.createAnswer();
      }).then(function (description) {
        return pc.setLocalDescription(description);
      }).then(function () {
        signal(from, { kind: "answer", sdp: pc.localDescription.toJSON() });
      });
    } else if (payload.kind === "answer") {
      pc.setRemoteDescription(payload.sdp);
    } else if (payload.kind === "ice" && payload.candidate) {
      pc.addIceCandidate(payload.candidate).catch(function () {});
    }
  }

  function stopAll() {
    Object.keys(peers).forEach(drop);
    if (local) local.getTracks().forEach(function (track) { track.stop(); });
    local = null;
    joined = false;
  }

  function ended() {
    stopAll();
    status.textContent = t.tEnded;
    [joinButton, muteButton, leaveButton].forEach(function (b) { if (b) b.hidden = true; });
  }

  if (joinButton) joinButton.addEventListener("click", function () {
    joinButton.disabled = true;
    var media = navigator.mediaDevices && navigator.mediaDevices.getUserMedia
      ? navigator.mediaDevices.getUserMedia({ audio: true, video: false })
      : Promise.reject(new Error("no media"));
    media.then(function (stream) {
      local = stream;
      return post(api + "/join");
    }).then(function (call) {
      joined = true;
      joinButton.hidden = true;
      muteButton.hidden = false;
      leaveButton.hidden = false;
      status.textContent = "";
      call.participants.forEach(function (p) {
        if (p.in_call && p.user.id !== me) offer(p.user.id);
      });
      render(call);
    }).catch(function (error) {
      joinButton.disabled = false;
      if (error instanceof Response) { refresh(); return; }
      status.textContent = t.tNoMic;
      stopAll();
    });
  });

  if (muteButton) muteButton.addEventListener("click", function () {
    if (!local) return;
    var track = local.getAudioTracks()[0];
    track.enabled = !track.enabled;
    muteButton.textContent = track.enabled ? t.tMute : t.tUnmute;
    muteButton.setAttribute("aria-pressed", String(!track.enabled));
  });

  if (leaveButton) leaveButton.addEventListener("click", function () {
    stopAll();
    post(api + "/leave").then(function () { window.location.href = root.dataset.back; });
  });

  window.addEventListener("pagehide", function () { if (joined) post(api + "/leave", true).catch(function () {}); });

  document.addEventListener("plaza:event", function (event) {
    var data = event.detail;
    if (data.call_id !== callId) return;
    if (data.type === "call.signal") onSignal(data.from, data.payload);
    else if (data.type === "call.updated") {
      if (data.left) drop(data.left);
      refresh();
    } else if (data.type === "call.ended") ended();
  });

  if (root.dataset.active !== "1") ended();
})();
