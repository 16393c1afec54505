// The bell's number, kept live: one SignalR connection per tab to /hubs/notifications (signed in by the page's
// cookie), which sends unread(count) on connect and whenever the count changes on any node. Enhanced navigation
// replaces the page's markup, so the number is written again into the new bell after each navigation.
(() => {
    if (window.lyceumBell) {
        return;
    }

    const state = { count: null, connection: null };
    window.lyceumBell = state;

    function render() {
        if (state.count === null) {
            return;
        }
        document.querySelectorAll('[data-ly-bell]').forEach(bell => {
            const badge = bell.querySelector('.ly-bell-count');
            badge.textContent = state.count > 99 ? '99+' : String(state.count);
            badge.hidden = state.count === 0;
            bell.setAttribute('aria-label', state.count === 0
                ? bell.dataset.labelNone
                : bell.dataset.labelSome.replace('{0}', String(state.count)));
        });
        document.dispatchEvent(new CustomEvent('lyceum:unread', { detail: state.count }));
    }

    function start() {
        if (state.connection || !document.querySelector('[data-ly-bell]') || !window.signalR) {
            return;
        }
        const connection = new signalR.HubConnectionBuilder()
            .withUrl('/hubs/notifications')
            .withAutomaticReconnect()
            .configureLogging(signalR.LogLevel.None)
            .build();
        connection.on('unread', count => {
            state.count = count;
            render();
        });
        // After a reconnect the server sends the count again (OnConnected), so nothing missed stays wrong. When the
        // automatic reconnects give up (a long outage, a deploy), start over a little later, for as long as the tab is open.
        connection.onclose(() => {
            if (state.connection === connection) {
                state.connection = null;
                state.count = null;
                setTimeout(start, 5000);
            }
        });
        state.connection = connection;
        connection.start().catch(() => {
            state.connection = null;
            setTimeout(start, 10000);
        });
    }

    function afterNavigation() {
        if (!document.querySelector('[data-ly-bell]') && state.connection) {
            // Signed out (no bell on the page): close the connection.
            state.connection.stop();
            state.connection = null;
            state.count = null;
            return;
        }
        // The page just rendered its own fresh number; the pushed one only wins while the connection is live.
        if (state.connection && state.connection.state === signalR.HubConnectionState.Connected) {
            render();
        }
        start();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
    if (window.Blazor && window.Blazor.addEventListener) {
        window.Blazor.addEventListener('enhancedload', afterNavigation);
    } else {
        document.addEventListener('DOMContentLoaded', () => window.Blazor?.addEventListener?.('enhancedload', afterNavigation));
    }
})();
