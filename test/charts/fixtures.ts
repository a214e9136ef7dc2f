/** The improvement-team outcomes of the TxNSI map, as the chart modules receive them. */
export const PRINCIPLES = [
  {
    code: '1',
    title: 'Analyze problem focus area',
    outcomes: [
      { code: '1.1', title: 'Investigate and define problem' },
      { code: '1.2', title: 'Access, analyze, and interpret data' },
      { code: '1.3', title: 'Conduct root cause analysis' },
    ],
  },
  {
    code: '2',
    title: 'Establish theory of improvement',
    outcomes: [
      { code: '2.1', title: 'Establish an aim statement' },
      { code: '2.2', title: 'Identify drivers' },
      { code: '2.3', title: 'Generate and prioritize change ideas' },
    ],
  },
  {
    code: '3',
    title: 'Plan and test changes',
    outcomes: [
      { code: '3.1', title: 'Develop an action plan' },
      { code: '3.2', title: 'Conduct tests and capture data' },
      { code: '3.3', title: 'Study and act on results' },
    ],
  },
  {
    code: '4',
    title: 'Learn to inform actions',
    outcomes: [
      { code: '4.1', title: 'Design learning agenda' },
      { code: '4.2', title: 'Engage in professional learning' },
      { code: '4.3', title: 'Integrate new learning into change ideas' },
    ],
  },
  {
    code: '5',
    title: 'Measure progress and scale',
    outcomes: [
      { code: '5.1', title: 'Measure change of drivers' },
      { code: '5.2', title: 'Assess confidence in change to make decisions' },
      { code: '5.3', title: 'Ensure continuous cycle of improvement' },
    ],
  },
];

export const OUTCOMES = PRINCIPLES.flatMap((principle) => principle.outcomes);

export function levelLabel(level: number): string {
  return level === 1 ? 'Level 1 (Ideal)' : level === 5 ? 'Level 5 (Entry)' : `Level ${level}`;
}
