// Keyboard and paste for the grade grid: arrows move between cells (left/right only at the text's edge), Enter moves
// down (Shift+Enter up), Tab is the browser's own (along the row). A block pasted from a spreadsheet goes to .NET,
// which parses it and fills the cells from the focused one.
export function attach(table, dotnet) {
    const cell = (r, c) => table.querySelector(`input[data-r="${r}"][data-c="${c}"]`);
    const focus = (r, c) => {
        const target = cell(r, c);
        if (target) {
            target.focus();
            target.select();
            return true;
        }
        return false;
    };

    const onKey = (e) => {
        const input = e.target;
        if (!(input instanceof HTMLInputElement) || !input.dataset.r) {
            return;
        }
        const r = Number(input.dataset.r);
        const c = Number(input.dataset.c);
        const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
        const atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
        const all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
        let moved = false;
        switch (e.key) {
            case "ArrowDown": moved = focus(r + 1, c); break;
            case "ArrowUp": moved = focus(r - 1, c); break;
            case "Enter": moved = focus(e.shiftKey ? r - 1 : r + 1, c) || true; break;
            case "ArrowLeft": if (atStart || all) { moved = focus(r, c - 1); } break;
            case "ArrowRight": if (atEnd || all) { moved = focus(r, c + 1); } break;
            default: return;
        }
        if (moved) {
            e.preventDefault();
        }
    };

    const onFocus = (e) => {
        if (e.target instanceof HTMLInputElement && e.target.dataset.r) {
            e.target.select();
        }
    };

    const onPaste = (e) => {
        const input = e.target;
        if (!(input instanceof HTMLInputElement) || !input.dataset.r) {
            return;
        }
        const text = (e.clipboardData || window.clipboardData).getData("text");
        if (!/[\t\r\n]/.test(text.replace(/[\r\n]+$/, ""))) {
            return; // one value: the input takes it as typed
        }
        e.preventDefault();
        dotnet.invokeMethodAsync("PasteBlock", Number(input.dataset.r), Number(input.dataset.c), text);
    };

    table.addEventListener("keydown", onKey);
    table.addEventListener("focusin", onFocus);
    table.addEventListener("paste", onPaste);
    return {
        dispose() {
            table.removeEventListener("keydown", onKey);
            table.removeEventListener("focusin", onFocus);
            table.removeEventListener("paste", onPaste);
        },
    };
}
