import { GESTURES } from '../timeline/gestures';

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-label="Keyboard and mouse" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard and mouse</h2>
        <table className="gesture-table">
          <tbody>
            {GESTURES.map((g) => (
              <tr key={g.input}>
                <th>{g.input}</th>
                <td>{g.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
