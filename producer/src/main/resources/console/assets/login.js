// The server sends the form back here with ?failed after a wrong token.
if (new URLSearchParams(location.search).has('failed')) {
  document.getElementById('failed').hidden = false;
}

// A console page asked for before the login (a task's, say) is the address's fragment. The form
// takes it along, and the browser keeps it through the server's redirect after the login (a
// redirect without a fragment keeps the request's), so the person lands on that page.
if (location.hash.startsWith('#/')) {
  document.querySelector('form').action = '/login' + location.hash;
}
